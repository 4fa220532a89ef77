// The governors' report in the browser (#14, G5): the head reads it (charts drawn on the server),
// sees how many staff have confirmed reading the current policy, confirms it herself on the
// policy page and sees the count move; the PDF downloads.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../lib/server.mjs";
import { launch, shot, signIn, DESKTOP } from "../lib/browser.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The cells of Harton's row of the acknowledgement table, as shown. */
async function hartonRow(page) {
  const row = page.locator("table#acknowledgement tbody tr", { hasText: "Harton Academy" });
  return (await row.locator("td").allInnerTexts()).map((t) => t.trim());
}

test("the head sees staff acknowledgement of the policy counted in the report", { timeout: 120_000 }, async () => {
  const url = server.url;
  const ctx = await browser.newContext(DESKTOP);
  try {
    const page = await ctx.newPage();
    await signIn(page, url, "head@harton.demo");
    await page.goto(`${url}/reports/governors?term=this`);
    await page.getByRole("heading", { name: "Staff who have read the current policy" }).waitFor();
    for (const chart of ["Visits by reason", "Visits by outcome", "Alarms by kind"]) {
      await page.getByRole("heading", { name: chart, exact: true }).first().waitFor();
    }
    const [school, version, read, staff, notYet] = await hartonRow(page);
    assert.equal(school, "Harton Academy");
    assert.ok(Number(staff) > 0, `staff counted: ${staff}`);
    assert.equal(Number(read) + Number(notYet), Number(staff));
    await shot(page, "reports-01-acknowledgement");

    // The head confirms reading the policy; the report counts her.
    await page.goto(`${url}/policy`);
    await page.getByRole("button", { name: "I have read this version" }).click();
    await page.getByText("you have confirmed reading this version").waitFor();
    await page.goto(`${url}/reports/governors?term=this`);
    const after = await hartonRow(page);
    assert.deepEqual(after, [school, version, String(Number(read) + 1), staff, String(Number(notYet) - 1)]);

    // The PDF link gives a PDF.
    const href = await page.getByRole("link", { name: "Download the report as a PDF" }).getAttribute("href");
    const pdf = await page.request.get(`${url}${href}`);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()["content-type"], "application/pdf");
    assert.equal((await pdf.body()).subarray(0, 5).toString(), "%PDF-");
  } finally {
    await ctx.close();
  }
});
