// Nothing typed is lost to an expired sign-in (#11 item 5): a teacher types a visit's outcome,
// the session runs out before she presses "Save the outcome", Doorstep asks her to sign in, and
// once she has, she is back on the form's page and it is filled with what she typed again. The text is kept only in the tab
// (sessionStorage), never in the address.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, visitThroughApi } from "../lib/server.mjs";
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

test("an outcome typed before the session expired is offered again after signing in", { timeout: 120_000 }, async () => {
  const url = server.url;
  const v = await visitThroughApi(url, { pupil: "Ava Smith" });
  for (const [step, body] of [["arrived", {}], ["left", { early_for_safety: false }], ["returned", { at_home: false }]]) {
    const r = await v.teacher.post(`/api/visits/${v.id}/${step}`, body);
    assert.equal(r.status, 200, `${step}: ${JSON.stringify(r.json)}`);
  }
  const ctx = await browser.newContext(DESKTOP);
  try {
    const page = await ctx.newPage();
    await signIn(page, url, "teacher@harton.demo");
    await page.goto(`${url}/visits/${v.id}`);
    const form = page.locator("#after");
    const outcome = "Mum worried about the landlord; Ava quiet but well. Agreed a morning routine.";
    await form.getByLabel("Who you saw").fill("Mrs Smith and Ava");
    await form.getByLabel("Outcome of home visit").fill(outcome);

    // The session runs out (the cookie is gone) before the form is sent.
    await ctx.clearCookies();
    await form.getByRole("button", { name: "Save the outcome" }).click();
    await page.waitForURL((u) => u.pathname === "/login");
    assert.ok(!page.url().includes("landlord"), `the text is not in the address: ${page.url()}`);
    await page.getByText("What you typed was kept in this browser tab").waitFor();
    await shot(page, "drafts-01-sign-in");

    await page.getByLabel("E-mail address").fill("teacher@harton.demo");
    await page.getByLabel("Password").fill("doorstep-demo");
    await page.getByRole("button", { name: "Sign in" }).click();
    // Signed in, she is back on the visit's page (not Today), though the post carried no Referer.
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));
    assert.equal(new URL(page.url()).pathname, `/visits/${v.id}`, "straight back to the form");
    await page.getByText("What you typed is back in the form").waitFor();
    assert.equal(await form.getByLabel("Outcome of home visit").inputValue(), outcome);
    assert.equal(await form.getByLabel("Who you saw").inputValue(), "Mrs Smith and Ava");
    await shot(page, "drafts-02-offered-again");

    // Sent now, it is recorded, and the draft is gone from the tab.
    await form.getByRole("button", { name: "Save the outcome" }).click();
    await page.getByText("The outcome is recorded on the pupil's chronology.").waitFor();
    const left = await page.evaluate(() => sessionStorage.getItem("doorstep.draft.v1"));
    assert.equal(left, null, "nothing typed stays in the tab once sent");
    const cookies = await ctx.cookies();
    assert.ok(cookies.every((c) => !c.value.includes("landlord")), "nor in a cookie");
  } finally {
    await ctx.close();
  }
});
