"""The orjson provider answers app.json.response() as Flask's own does: one value, several, or keywords."""

import pytest


def test_one_value_is_the_body(app):
    with app.app_context():
        response = app.json.response({"b": 1, "a": "é"})
    assert response.mimetype == "application/json"
    assert response.get_data() == '{"a":"é","b":1}\n'.encode()


def test_several_values_are_a_list_and_keywords_an_object(app):
    with app.app_context():
        assert app.json.response(1, 2).get_json() == [1, 2]
        assert app.json.response(a=1).get_json() == {"a": 1}
        assert app.json.response().get_data() == b"null\n"


def test_values_and_keywords_together_are_refused_like_flask(app):
    with app.app_context(), pytest.raises(TypeError):
        app.json.response(1, a=2)


def test_debug_output_is_flasks_indented_json(app):
    app.debug = True
    try:
        with app.app_context():
            data = app.json.response({"a": [1]}).get_data(as_text=True)
    finally:
        app.debug = False
    assert data == '{\n  "a": [\n    1\n  ]\n}\n'


def test_it_answers_outside_an_app_context_with_its_own_app(app):
    """As Flask's provider: bound to its app, not to whichever app is current."""
    assert app.json.response({"a": 1}).get_data() == b'{"a":1}\n'
