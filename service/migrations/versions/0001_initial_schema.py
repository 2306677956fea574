"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25 20:22:14.696610
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('briefings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_briefings')),
    sa.UniqueConstraint('slug', name=op.f('uq_briefings_slug'))
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('publisher', sa.String(length=200), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('original_language', sa.String(length=16), nullable=True),
    sa.Column('url', sa.String(length=1000), nullable=True),
    sa.Column('published_date', sa.Date(), nullable=True),
    sa.Column('date_note', sa.Text(), nullable=True),
    sa.Column('translation_note', sa.Text(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('length', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('slug', name=op.f('uq_documents_slug'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_published_date'), ['published_date'], unique=False)

    op.create_table('briefing_documents',
    sa.Column('briefing_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['briefing_id'], ['briefings.id'], name=op.f('fk_briefing_documents_briefing_id_briefings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_briefing_documents_document_id_documents'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('briefing_id', 'document_id', name=op.f('pk_briefing_documents'))
    )
    op.create_table('records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('briefing_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['briefing_id'], ['briefings.id'], name=op.f('fk_records_briefing_id_briefings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_records'))
    )
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_records_briefing_id'), ['briefing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_records_type'), ['type'], unique=False)

    op.create_table('actors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=300), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['id'], ['records.id'], name=op.f('fk_actors_id_records'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['actors.id'], name=op.f('fk_actors_parent_id_actors'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actors')),
    sa.UniqueConstraint('slug', name=op.f('uq_actors_slug'))
    )
    with op.batch_alter_table('actors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actors_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_actors_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_actors_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_actors_parent_id'), ['parent_id'], unique=False)

    op.create_table('citations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.Integer(), nullable=False),
    sa.Column('end', sa.Integer(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.CheckConstraint('"end" > start', name=op.f('ck_citations_end_after_start')),
    sa.CheckConstraint('start >= 0', name=op.f('ck_citations_start_not_negative')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_citations_document_id_documents'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], name=op.f('fk_citations_record_id_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citations'))
    )
    with op.batch_alter_table('citations', schema=None) as batch_op:
        batch_op.create_index('ix_citations_document_id_start', ['document_id', 'start'], unique=False)
        batch_op.create_index(batch_op.f('ix_citations_record_id'), ['record_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('date_reasoning', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['id'], ['records.id'], name=op.f('fk_events_id_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    sa.UniqueConstraint('slug', name=op.f('uq_events_slug'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_date'), ['date'], unique=False)

    op.create_table('proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('mandate', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['id'], ['records.id'], name=op.f('fk_proposals_id_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals')),
    sa.UniqueConstraint('slug', name=op.f('uq_proposals_slug'))
    )
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposals_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposals_status'), ['status'], unique=False)

    op.create_table('actor_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_actor_aliases_actor_id_actors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_aliases')),
    sa.UniqueConstraint('actor_id', 'alias', name=op.f('uq_actor_aliases_actor_id'))
    )
    with op.batch_alter_table('actor_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actor_aliases_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actor_aliases_alias'), ['alias'], unique=False)

    op.create_table('actor_relations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('predicate', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['id'], ['records.id'], name=op.f('fk_actor_relations_id_records'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['object_id'], ['actors.id'], name=op.f('fk_actor_relations_object_id_actors'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['subject_id'], ['actors.id'], name=op.f('fk_actor_relations_subject_id_actors'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_relations')),
    sa.UniqueConstraint('slug', name=op.f('uq_actor_relations_slug'))
    )
    with op.batch_alter_table('actor_relations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_actor_relations_object_id'), ['object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_actor_relations_predicate'), ['predicate'], unique=False)
        batch_op.create_index(batch_op.f('ix_actor_relations_subject_id'), ['subject_id'], unique=False)

    op.create_table('aid_packages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('donor_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('announced_by_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=20, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('announced_on', sa.Date(), nullable=True),
    sa.Column('delivery_schedule', sa.Text(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['announced_by_id'], ['actors.id'], name=op.f('fk_aid_packages_announced_by_id_actors'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['donor_id'], ['actors.id'], name=op.f('fk_aid_packages_donor_id_actors'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['id'], ['records.id'], name=op.f('fk_aid_packages_id_records'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['actors.id'], name=op.f('fk_aid_packages_recipient_id_actors'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_packages')),
    sa.UniqueConstraint('slug', name=op.f('uq_aid_packages_slug'))
    )
    with op.batch_alter_table('aid_packages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_packages_announced_by_id'), ['announced_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_packages_announced_on'), ['announced_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_packages_donor_id'), ['donor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_packages_recipient_id'), ['recipient_id'], unique=False)

    op.create_table('event_participants',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_event_participants_actor_id_actors'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_participants_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'actor_id', name=op.f('pk_event_participants'))
    )
    with op.batch_alter_table('event_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_participants_actor_id'), ['actor_id'], unique=False)

    op.create_table('positions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('topic', sa.String(length=64), nullable=False),
    sa.Column('stance', sa.String(length=32), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('stated_on', sa.Date(), nullable=True),
    sa.Column('speech', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_positions_actor_id_actors'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['id'], ['records.id'], name=op.f('fk_positions_id_records'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_positions_proposal_id_proposals'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['actors.id'], name=op.f('fk_positions_reported_by_id_actors'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_positions')),
    sa.UniqueConstraint('slug', name=op.f('uq_positions_slug'))
    )
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_positions_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_positions_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_positions_reported_by_id'), ['reported_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_positions_stance'), ['stance'], unique=False)
        batch_op.create_index(batch_op.f('ix_positions_stated_on'), ['stated_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_positions_topic'), ['topic'], unique=False)

    op.create_table('proposal_attributes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['id'], ['records.id'], name=op.f('fk_proposal_attributes_id_records'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_attributes_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_attributes'))
    )
    with op.batch_alter_table('proposal_attributes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_attributes_key'), ['key'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_attributes_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('proposal_proposers',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_proposal_proposers_actor_id_actors'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_proposers_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', 'actor_id', name=op.f('pk_proposal_proposers'))
    )
    with op.batch_alter_table('proposal_proposers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_proposers_actor_id'), ['actor_id'], unique=False)

    op.create_table('aid_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('system', sa.String(length=200), nullable=True),
    sa.Column('category', sa.String(length=100), nullable=False),
    sa.Column('role', sa.Text(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['id'], ['records.id'], name=op.f('fk_aid_items_id_records'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['package_id'], ['aid_packages.id'], name=op.f('fk_aid_items_package_id_aid_packages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_items')),
    sa.UniqueConstraint('slug', name=op.f('uq_aid_items_slug'))
    )
    with op.batch_alter_table('aid_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_aid_items_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_items_package_id'), ['package_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_items_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_items_system'), ['system'], unique=False)

    op.create_table('position_conditions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['id'], ['records.id'], name=op.f('fk_position_conditions_id_records'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_position_conditions_position_id_positions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_position_conditions')),
    sa.UniqueConstraint('slug', name=op.f('uq_position_conditions_slug'))
    )
    with op.batch_alter_table('position_conditions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_position_conditions_position_id'), ['position_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('position_conditions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_position_conditions_position_id'))

    op.drop_table('position_conditions')
    with op.batch_alter_table('aid_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_items_system'))
        batch_op.drop_index(batch_op.f('ix_aid_items_status'))
        batch_op.drop_index(batch_op.f('ix_aid_items_package_id'))
        batch_op.drop_index(batch_op.f('ix_aid_items_category'))

    op.drop_table('aid_items')
    with op.batch_alter_table('proposal_proposers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_proposers_actor_id'))

    op.drop_table('proposal_proposers')
    with op.batch_alter_table('proposal_attributes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_attributes_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_attributes_key'))

    op.drop_table('proposal_attributes')
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_positions_topic'))
        batch_op.drop_index(batch_op.f('ix_positions_stated_on'))
        batch_op.drop_index(batch_op.f('ix_positions_stance'))
        batch_op.drop_index(batch_op.f('ix_positions_reported_by_id'))
        batch_op.drop_index(batch_op.f('ix_positions_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_positions_actor_id'))

    op.drop_table('positions')
    with op.batch_alter_table('event_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_participants_actor_id'))

    op.drop_table('event_participants')
    with op.batch_alter_table('aid_packages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_packages_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_aid_packages_donor_id'))
        batch_op.drop_index(batch_op.f('ix_aid_packages_announced_on'))
        batch_op.drop_index(batch_op.f('ix_aid_packages_announced_by_id'))

    op.drop_table('aid_packages')
    with op.batch_alter_table('actor_relations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_relations_subject_id'))
        batch_op.drop_index(batch_op.f('ix_actor_relations_predicate'))
        batch_op.drop_index(batch_op.f('ix_actor_relations_object_id'))

    op.drop_table('actor_relations')
    with op.batch_alter_table('actor_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actor_aliases_alias'))
        batch_op.drop_index(batch_op.f('ix_actor_aliases_actor_id'))

    op.drop_table('actor_aliases')
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposals_status'))
        batch_op.drop_index(batch_op.f('ix_proposals_kind'))

    op.drop_table('proposals')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_date'))

    op.drop_table('events')
    with op.batch_alter_table('citations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citations_record_id'))
        batch_op.drop_index('ix_citations_document_id_start')

    op.drop_table('citations')
    with op.batch_alter_table('actors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_actors_parent_id'))
        batch_op.drop_index(batch_op.f('ix_actors_name'))
        batch_op.drop_index(batch_op.f('ix_actors_kind'))
        batch_op.drop_index(batch_op.f('ix_actors_country'))

    op.drop_table('actors')
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_records_type'))
        batch_op.drop_index(batch_op.f('ix_records_briefing_id'))

    op.drop_table('records')
    op.drop_table('briefing_documents')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_published_date'))

    op.drop_table('documents')
    op.drop_table('briefings')
