// DuckDB's side of item 3: read_csv of the whole file and a GROUP BY summing every count by kind, 2 threads.
// The counts are the header's columns but the four that are text (district, org_name, org_kind, org_rating).
const { DuckDBInstance } = require(process.env.DUCKDB_MODULE);
const fs = require("fs");
(async () => {
  const csv = process.argv[2];
  const fd = fs.openSync(csv, "r"), head = Buffer.alloc(4096);
  fs.readSync(fd, head, 0, 4096, 0);
  const text = new Set(["district", "org_name", "org_kind", "org_rating"]);
  const cols = head.toString("utf8").split("\n")[0].trim().split(",").filter((c) => !text.has(c));
  const t0 = performance.now();
  const db = await DuckDBInstance.create(":memory:", { threads: "2" });
  const c = await db.connect();
  const sums = cols.map((x) => `sum("${x}")`).join(", ");
  const rows = (await c.runAndReadAll(`SELECT org_kind, count(*), ${sums} FROM read_csv('${csv}') GROUP BY org_kind`)).getRows();
  const t1 = performance.now();
  console.log(JSON.stringify({ tool: "duckdb", in_process_s: +((t1 - t0) / 1000).toFixed(3), kinds: rows.length,
    orgs: rows.reduce((n, r) => n + Number(r[1]), 0), members: rows.reduce((n, r) => n + Number(r[2 + cols.indexOf("members_total")]), 0), summed: cols.length }));
})().catch((e) => { console.error(e); process.exit(1); });
