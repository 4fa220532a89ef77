// Senior roles need a second person (#12 item 3), in the browser: the headteacher adds two
// members of staff as DSL; the grants wait on /approvals, where the head may not decide their
// own request; the trust administrator approves one and refuses the other on the page, and the
// staff list shows the role only for the one approved.
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

/** Adds a member of staff as DSL from the staff page, as the signed-in head. */
async function addDsl(page, url, name, email) {
  await page.goto(`${url}/staff`);
  const form = page.locator("form[action='/staff']");
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("E-mail address").fill(email);
  await form.getByLabel("Mobile").fill("07700 900123");
  await form.getByLabel("Job title").fill("Deputy head");
  await form.getByLabel("the designated safeguarding lead", { exact: true }).check();
  await form.getByLabel("First password").fill("kettle lamp orchard");
  await form.getByRole("button", { name: "Add" }).click();
  await page.waitForURL((u) => /^\/staff\/\d+$/.test(u.pathname));
}

test("the trust administrator approves one DSL and refuses another", { timeout: 180_000 }, async () => {
  const url = server.url;
  const headCtx = await browser.newContext(DESKTOP);
  const adminCtx = await browser.newContext(DESKTOP);
  try {
    const head = await headCtx.newPage();
    await signIn(head, url, "head@harton.demo");
    await addDsl(head, url, "Priya Approved", "priya.approved@harton.demo");
    await addDsl(head, url, "Sam Refused", "sam.refused@harton.demo");

    // The head asked: they wait for someone else.
    await head.goto(`${url}/approvals`);
    for (const name of ["Priya Approved", "Sam Refused"]) {
      const row = head.locator("table.approvals tbody tr", { hasText: name });
      assert.match(await row.innerText(), /Waiting for someone else/);
      assert.equal(await row.getByRole("button").count(), 0);
    }

    const admin = await adminCtx.newPage();
    await signIn(admin, url, "admin@trust.demo", { secondFactor: false });
    await admin.goto(`${url}/approvals`);
    await shot(admin, "approvals-01-waiting");
    await admin
      .getByRole("button", { name: "Approve Priya Approved as the designated safeguarding lead" })
      .click();
    await admin.getByText("Approved: the role is given.").waitFor();
    await admin
      .getByRole("button", { name: "Refuse Sam Refused as the designated safeguarding lead" })
      .click();
    await admin.getByText("Refused: the role was not given.").waitFor();
    assert.equal(await admin.locator("tr", { hasText: "Priya Approved" }).count(), 0);
    assert.equal(await admin.locator("tr", { hasText: "Sam Refused" }).count(), 0);
    await shot(admin, "approvals-02-decided");

    // Only the approved grant holds: the staff list shows the role for Priya, not for Sam.
    await head.goto(`${url}/staff`);
    const priya = head.locator("tr", { hasText: "Priya Approved" });
    const sam = head.locator("tr", { hasText: "Sam Refused" });
    assert.match(await priya.innerText(), /designated safeguarding lead/i);
    assert.doesNotMatch(await sam.innerText(), /designated safeguarding lead/i);
  } finally {
    await headCtx.close();
    await adminCtx.close();
  }
});
