// The policy editor without TOML (#13 item 5): the head ticks who is told by every repeat of
// the top rung, writes the panic alarm's instruction in the school's words and switches on an
// evening rule from 17:30, sees all three in the draft's changes; the chair's approval dated in
// the past is refused next to the date with the date kept (tester C5), and approved once the date
// is put right.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, apiAs } from "../lib/server.mjs";
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

test("a head ticks a responder and writes an alarm instruction; the chair's past date is refused next to it", { timeout: 180_000 }, async () => {
  const headApi = await apiAs(server.url, "head@harton.demo");
  const school = headApi.me.school_id;
  const before = (await headApi.get(`/api/schools/${school}/policy`)).json;
  assert.ok(!before.settings.safety_responders.includes("headteacher"), "Harton's responders leave out the head");

  const headCtx = await browser.newContext(DESKTOP);
  const chairCtx = await browser.newContext(DESKTOP);
  try {
    const head = await headCtx.newPage();
    await signIn(head, server.url, "head@harton.demo");
    await head.goto(`${server.url}/policy`);
    const form = head.locator("form", { has: head.getByRole("button", { name: "Save as a draft" }).first() }).first();
    const responders = form.getByRole("group", { name: "Told by every repeat of the top rung" });
    await responders.getByText(/^Everyone told by each repeat/).waitFor();
    await responders.getByLabel("The headteacher").check();
    await form.getByLabel("Alarm instructions: panic").fill("Ring 999 at once, then the headteacher.");
    // An optional part of the policy, switched on with a time typed as a school writes it.
    await form.getByLabel("Use an evening rule").check();
    await form.getByLabel("Staffing: evening starts", { exact: true }).fill("17:30");
    await form.getByLabel("Why the change").fill("Governors' annual review.");
    await form.getByRole("button", { name: "Save as a draft" }).click();
    await head.getByRole("status").getByText("Saved as a draft").waitFor();
    await head.getByText(/Told by every repeat of the top rung: .* → .*headteacher/).waitFor();
    await head.getByText(/Alarm instructions: panic: none → Ring 999 at once, then the headteacher\./).waitFor();
    await head.getByText("Staffing: evening starts: none → 17:30").waitFor();
    await shot(head, "policy-form-01-draft");

    const chair = await chairCtx.newPage();
    await signIn(chair, server.url, "chair@harton.demo");
    await chair.goto(`${server.url}/policy`);
    await chair.getByLabel("Takes effect on").fill("2020-01-01");
    await chair.getByRole("button", { name: "Approve this change" }).click();
    const field = chair.locator(".field.has-error", { has: chair.getByLabel("Takes effect on") });
    await field.getByText("Takes effect on: a change cannot take effect before the day it is approved").waitFor();
    assert.equal(await chair.getByLabel("Takes effect on").inputValue(), "2020-01-01", "the chair's date is kept");
    await shot(chair, "policy-form-02-past-date");
    await chair.getByLabel("Takes effect on").fill("");
    await chair.getByRole("button", { name: "Approve this change" }).click();
    await chair.getByRole("status").getByText("Approved.").waitFor();

    const now = (await headApi.get(`/api/schools/${school}/policy`)).json;
    assert.equal(now.version, before.version + 1);
    assert.ok(now.settings.safety_responders.includes("headteacher"));
    assert.equal(now.settings.alarm_instructions.panic, "Ring 999 at once, then the headteacher.");
    assert.equal(now.settings.staffing.evening?.starts, "17:30:00");
  } finally {
    await headCtx.close();
    await chairCtx.close();
  }
});
