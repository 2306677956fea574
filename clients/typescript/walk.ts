import createClient from "openapi-fetch";
import type { paths } from "./schema.js";

const base = process.argv[2] ?? "http://127.0.0.1:8000";
const client = createClient<paths>({ baseUrl: base });
type ListPath = "/api/v1/actors" | "/api/v1/positions" | "/api/v1/aid-packages" | "/api/v1/aid-items"
  | "/api/v1/proposals" | "/api/v1/events" | "/api/v1/documents" | "/api/v1/briefings";
const collections: ListPath[] = ["/api/v1/actors", "/api/v1/positions", "/api/v1/aid-packages", "/api/v1/aid-items",
  "/api/v1/proposals", "/api/v1/events", "/api/v1/documents", "/api/v1/briefings"];
// Each list's export operation (CSV here; NDJSON with format: "ndjson"): each body read into a string.
type ExportPath = "/api/v1/actors/export" | "/api/v1/positions/export" | "/api/v1/aid-packages/export"
  | "/api/v1/aid-items/export" | "/api/v1/proposals/export" | "/api/v1/events/export";
const exports: ExportPath[] = ["/api/v1/actors/export", "/api/v1/positions/export", "/api/v1/aid-packages/export",
  "/api/v1/aid-items/export", "/api/v1/proposals/export", "/api/v1/events/export"];
let failures = 0;
const links = new Set<string>();

function collect(value: unknown, key: string | undefined): void {
  if (Array.isArray(value)) { for (const v of value) collect(v, key); }
  else if (value !== null && typeof value === "object") { for (const [k, v] of Object.entries(value)) collect(v, k); }
  else if (typeof value === "string" && key === "url") {
    const url = new URL(value, base);
    if (url.origin === new URL(base).origin) { links.add(url.pathname + url.search); }
  }
}

async function walkList(path: ListPath): Promise<number> {
  let cursor: string | undefined;
  let count = 0;
  for (;;) {
    const { data, response } = await client.GET(path, { params: { query: { limit: 10, cursor } } });
    if (response.status !== 200 || data === undefined) {
      failures += 1; console.error(`${path}: ${response.status}`); return count;
    }
    count += data.items.length;
    collect(data.items, undefined);
    if (data.next === null) return count;
    cursor = new URL(data.next, base).searchParams.get("cursor") ?? undefined;
    if (cursor === undefined) { failures += 1; return count; }
  }
}

async function exportRows(path: ExportPath): Promise<number> {
  const { data, response } = await client.GET(path, { params: { query: { format: "csv" } }, parseAs: "text" });
  if (response.status !== 200 || data === undefined) {
    failures += 1; console.error(`${path}: ${response.status}`); return 0;
  }
  return data.split("\r\n").filter((line) => line !== "").length - 1;  // less the header
}

async function main(): Promise<void> {
  for (const path of collections) console.log(`${path}: ${await walkList(path)} records`);
  for (const path of exports) console.log(`${path}: ${await exportRows(path)} rows`);
  const { data, response } = await client.GET("/api/v1/briefings/{slug}",
    { params: { path: { slug: "coalition-of-the-willing-paris-2025" } } });
  if (response.status !== 200 || data === undefined) failures += 1;
  collect(data, undefined);
  let followed = 0;
  for (const link of links) {
    const answer = await fetch(base + link);
    followed += 1;
    if (answer.status !== 200) { failures += 1; console.error(`${link}: ${answer.status}`); }
  }
  console.log(`links followed: ${followed}; failures: ${failures}`);
  process.exit(failures === 0 ? 0 : 1);
}
void main();
