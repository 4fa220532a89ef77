// The policy editor heads use (#13 item 5): the head changes a setting through the form and
// sees the change in words as a draft that is not yet in force; a number that is not one is
// refused next to its field; the chair of governors approves the draft on the same page, and
// the version shows who really approved it. And the door screen: a visit called off at the door
// with a reason, then offered a new time.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, apiAs, visitThroughApi } from "../lib/server.mjs";
import { launch, shot, signIn, DESKTOP, PHONE } from "../lib/browser.mjs";

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

test("a head changes the check-in interval on the form, sees the change in words, and the chair approves it", { timeout: 180_000 }, async () => {
  const headApi = await apiAs(server.url, "head@harton.demo");
  const school = headApi.me.school_id;
  const before = (await headApi.get(`/api/schools/${school}/policy`)).json;
  const old = before.settings.check_in.interval_minutes;
  const wanted = old + 5;

  const headCtx = await browser.newContext(DESKTOP);
  const chairCtx = await browser.newContext(DESKTOP);
  try {
    const head = await headCtx.newPage();
    await signIn(head, server.url, "head@harton.demo");
    await head.goto(`${server.url}/policy`);
    const form = head.locator("form", { has: head.getByRole("button", { name: "Save as a draft" }).first() }).first();

    // A value the policy cannot work with is named on its field, in the setting's words.
    await form.getByLabel("Check-in interval").fill("0");
    await form.getByRole("button", { name: "Save as a draft" }).click();
    await head.locator("#error-summary").getByText("Check-in interval: must be between 1 and 1440 minutes").waitFor();
    await head.locator(".field.has-error").getByLabel("Check-in interval").waitFor();

    await head.getByLabel("Check-in interval").fill(String(wanted));
    await head.getByLabel("Why the change").first().fill("Governors asked for more frequent check-ins.");
    await head.getByRole("button", { name: "Save as a draft" }).first().click();
    await head.getByRole("status").getByText("Saved as a draft").waitFor();
    await head.getByText(`Check-in interval: ${old} → ${wanted} minutes`).waitFor();
    await head.getByText(/Waiting for approval by .*chair of governors/).waitFor();
    assert.equal(await head.getByRole("button", { name: "Approve this change" }).count(), 0, "the head cannot approve");
    const still = (await headApi.get(`/api/schools/${school}/policy`)).json;
    assert.equal(still.version, before.version, "a draft is not in force");
    await shot(head, "policy-editor-01-draft");

    const chair = await chairCtx.newPage();
    await signIn(chair, server.url, "chair@harton.demo");
    await chair.goto(`${server.url}/policy`);
    await chair.getByText(`Check-in interval: ${old} → ${wanted} minutes`).waitFor();
    await chair.getByRole("button", { name: "Approve this change" }).click();
    await chair.getByRole("status").getByText("Approved.").waitFor();
    await chair.getByRole("cell", { name: /Chris Chair for .*in force from/ }).waitFor();
    await shot(chair, "policy-editor-02-approved");

    const now = (await headApi.get(`/api/schools/${school}/policy`)).json;
    assert.equal(now.version, before.version + 1);
    assert.equal(now.settings.check_in.interval_minutes, wanted);
    assert.match(now.approved_by, /^Chris Chair for /);
  } finally {
    await headCtx.close();
    await chairCtx.close();
  }
});

test("the visitor cancels at the door with a reason, taps back at school, and is offered a new time", { timeout: 180_000 }, async () => {
  const { id } = await visitThroughApi(server.url);
  const context = await browser.newContext(PHONE);
  try {
    const page = await context.newPage();
    await signIn(page, server.url, "teacher@harton.demo");
    await page.goto(`${server.url}/today`);
    const card = page.locator(`#visit-${id}`);
    await card.getByRole("button", { name: "Arrived" }).click();
    await card.getByText("Cancel at the door").click();
    await card.getByLabel("Animals not secured").check();
    await card.getByRole("button", { name: "Cancel the visit at the door" }).click();
    await page.getByText("Visit cancelled at the door.").waitFor();
    await shot(page, "door-01-cancelled");
    await page.locator(`#visit-${id}`).getByRole("button", { name: "Back at school" }).click();
    await page.locator(`#visit-${id}`).getByRole("link", { name: "Plan it again" }).click();
    await page.getByRole("heading", { name: "Reschedule" }).waitFor();
    await shot(page, "door-02-reschedule");
    const teacher = await apiAs(server.url, "teacher@harton.demo");
    const visit = (await teacher.get(`/api/visits/${id}`)).json.visit;
    assert.equal(visit.status, "cancelled_at_door");
  } finally {
    await context.close();
  }
});

test("a head adds an alarm rung and changes a reason's length on the form, sees both in words, and the chair approves", { timeout: 180_000 }, async () => {
  const headApi = await apiAs(server.url, "head@harton.demo");
  const school = headApi.me.school_id;
  const before = (await headApi.get(`/api/schools/${school}/policy`)).json;
  const n = before.settings.escalation.length + 1;
  const last = before.settings.escalation[n - 2].after_minutes;
  const reason = before.settings.reason_categories[0];

  const headCtx = await browser.newContext(DESKTOP);
  const chairCtx = await browser.newContext(DESKTOP);
  try {
    const head = await headCtx.newPage();
    await signIn(head, server.url, "head@harton.demo");
    await head.goto(`${server.url}/policy`);
    await head.locator("#lists").getByRole("button", { name: "Add a rung" }).click();
    await head.getByLabel(`Rung ${n}: after how many minutes`).waitFor();

    // A rung with nobody to tell is refused, each missing part named on the rung.
    await head.locator("#lists").getByRole("button", { name: "Save the lists as a draft" }).click();
    const summary = head.locator("#error-summary");
    await summary.getByText(`Rung ${n}: choose who is told`).waitFor();
    await summary.getByText(`Rung ${n}: choose how they are told`).waitFor();
    await summary.getByText(`Rung ${n}: say what they should do`).waitFor();

    const lists = head.locator("#lists");
    await lists.getByLabel(`Rung ${n}: after how many minutes`).fill(String(last + 30));
    await lists.getByRole("group", { name: `Rung ${n}: who is told` }).getByLabel("The headteacher").check();
    await lists.getByRole("group", { name: `Rung ${n}: how they are told` }).getByLabel("Text message").check();
    await lists.getByLabel(`Rung ${n}: what they should do`).fill("Ring the police and report the staff missing");
    await lists.getByLabel("Reason 1: usual length (minutes)").fill("40");
    await lists.getByLabel("Why the change").fill("Governors asked for a police rung and a usual length.");
    await lists.getByRole("button", { name: "Save the lists as a draft" }).click();
    await head.getByRole("status").getByText("Saved as a draft").waitFor();
    await head.getByText(new RegExp(`^Alarm rung ${n}: none → added \\(after ${last + 30} minutes;.*Ring the police`)).waitFor();
    await head.getByText(new RegExp(`^Reasons: ${reason.key.replaceAll("_", " ")}, visit: .* → 40 minutes$`)).waitFor();
    await shot(head, "policy-editor-03-lists-draft");

    const chair = await chairCtx.newPage();
    await signIn(chair, server.url, "chair@harton.demo");
    await chair.goto(`${server.url}/policy`);
    await chair.getByText(new RegExp(`^Alarm rung ${n}: none → added`)).waitFor();
    await chair.getByRole("button", { name: "Approve this change" }).click();
    await chair.getByRole("status").getByText("Approved.").waitFor();

    const now = (await headApi.get(`/api/schools/${school}/policy`)).json;
    assert.equal(now.version, before.version + 1);
    assert.equal(now.settings.escalation.length, n);
    assert.deepEqual(now.settings.escalation[n - 1].notify, ["headteacher"]);
    assert.deepEqual(now.settings.escalation[n - 1].channels, ["sms"]);
    assert.equal(now.settings.reasons[reason.key].visit_minutes, 40);
  } finally {
    await headCtx.close();
    await chairCtx.close();
  }
});
