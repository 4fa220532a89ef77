// A node:test reporter that ends the run with the plain line CI reads: "N passed, N failed".
export default async function* summary(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    // Count tests, not files or suites.
    if (event.data.details?.type === "suite" || event.data.nesting !== 0 && event.data.details?.type === "suite") continue;
    if (event.data.file && event.data.name === event.data.file) continue;
    if (event.type === "test:pass" && event.data.skip) skipped += 1;
    else if (event.type === "test:pass") passed += 1;
    else failed += 1;
  }
  yield `\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`;
}
