// The phone on a visit (#11 item 4): after panic the visitor sees who at school is dealing with
// it; a duress PIN check-in looks like any other; a pocket tap on panic can be taken back (and
// both taps are in the audit trail); a missed check-in turns the Today card red with what to do.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, visitThroughApi, apiAs, shortCheckIns } from "../lib/server.mjs";
import { launch, shot, signIn, PHONE, DESKTOP } from "../lib/browser.mjs";

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

/** The alarms of one visit, as the office's API lists them. */
async function alarmsOf(visit) {
  const office = await apiAs(server.url, "office@harton.demo");
  const all = (await office.get("/api/alarms")).json;
  return all.filter((a) => a.visit_id === visit).map((a) => a.kind);
}

/** The teacher's phone on Today, with the card of `visit`. */
async function phoneOn(visit) {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await signIn(page, server.url, "teacher@harton.demo");
  await page.goto(`${server.url}/today`);
  const card = page.locator(`#visit-${visit}`);
  await card.getByRole("button", { name: "I'm OK" }).waitFor();
  return { context, page, card };
}

test("after panic the phone shows who at school is dealing with it", { timeout: 120_000 }, async () => {
  const { id } = await visitThroughApi(server.url);
  const { context, page, card } = await phoneOn(id);
  const officeCtx = await browser.newContext(DESKTOP);
  try {
    // One tap only asks for a second: nothing is raised yet.
    await card.getByRole("button", { name: "Panic — I need help" }).click();
    await card.getByText("Tap again to send the alarm").waitFor();
    assert.deepEqual(await alarmsOf(id), []);
    await card.getByRole("button", { name: "Panic — I need help" }).click();
    await page.getByText("Sent: Panic — I need help.").waitFor();
    await card.locator(".help-coming").getByText(/Sent at \d\d:\d\d · waiting for someone at school/).waitFor();
    assert.deepEqual(await alarmsOf(id), ["panic"]);
    await shot(page, "phone-01-panic-sent");

    const office = await officeCtx.newPage();
    await signIn(office, server.url, "office@harton.demo");
    await office.goto(`${server.url}/board`);
    const alarm = office.locator("#board article.alarm", { hasText: /panic/i }).first();
    await alarm.getByLabel("What you are doing").fill("Ringing Tom now");
    await alarm.getByRole("button", { name: "Acknowledge: I am dealing with it" }).click();

    // The phone learns it without a reload.
    const loads = [];
    page.on("load", () => loads.push(Date.now()));
    await card.locator(".help-coming")
      .getByText(/Sent at \d\d:\d\d · Olive Office is dealing with it \(\d\d:\d\d\)/)
      .waitFor({ timeout: 20_000 });
    assert.equal(loads.length, 0, "no reload");
    await shot(page, "phone-02-help-coming");
  } finally {
    await context.close();
    await officeCtx.close();
  }
});

test("a duress PIN check-in looks like an ordinary one on the phone", { timeout: 120_000 }, async () => {
  const { id, teacher } = await visitThroughApi(server.url);
  const pin = await teacher.post("/api/me/duress-pin", { pin: "9911" });
  assert.equal(pin.status, 204);
  const { context, page, card } = await phoneOn(id);
  try {
    await card.getByRole("button", { name: "I'm OK" }).click();
    await page.getByText(/Check-in sent at \d\d:\d\d\./).waitFor();
    const ordinary = await card.locator(".alarm-status").innerText();

    await page.reload();
    await card.getByText("Add a note or PIN").click();
    await card.getByLabel("PIN (optional)").fill("9911");
    await card.getByRole("button", { name: "Send check-in" }).click();
    await page.getByText(/Check-in sent at \d\d:\d\d\./).waitFor();
    // The school has the silent alarm…
    assert.deepEqual(await alarmsOf(id), ["duress"]);
    // …and after two polls of the phone's status the card still shows nothing of it.
    await page.waitForTimeout(7_000);
    assert.equal(await card.locator(".alarm-status").innerText(), ordinary);
    assert.equal(await card.locator(".help-coming, .missed-box").count(), 0);
    assert.doesNotMatch(await card.innerText(), /duress|alarm raised/i);
    await page.reload();
    assert.equal(await card.locator(".help-coming, .missed-box").count(), 0);
    assert.doesNotMatch(await page.locator("main").innerText(), /duress|Alarm raised/i);
    await shot(page, "phone-03-duress-looks-ordinary");
  } finally {
    await context.close();
  }
});

test("a pocket tap on panic is taken back: no alarm, and both taps are recorded", { timeout: 120_000 }, async () => {
  const { id } = await visitThroughApi(server.url);
  const { context, page, card } = await phoneOn(id);
  try {
    await card.getByRole("button", { name: "Panic — I need help" }).click();
    await card.getByRole("button", { name: "Cancel — it was a mistake" }).click();
    await page.getByText("Panic cancelled: no alarm was sent.").waitFor();
    // Focus goes back to Panic, not to the top of the page, for a keyboard or switch user.
    assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.textContent.trim()), "Panic — I need help");
    await assert.rejects(card.getByText("Tap again to send the alarm").waitFor({ timeout: 1_000 }));
    await shot(page, "phone-04-pocket-tap-cancelled");
    assert.deepEqual(await alarmsOf(id), []);
    const head = await apiAs(server.url, "head@harton.demo");
    const trail = (await head.get(`/api/audit?subject_type=visit&subject_id=${id}`)).json;
    const taps = trail.map((r) => r.action).filter((a) => a.startsWith("visit.panic")).reverse();
    assert.deepEqual(taps, ["visit.panic_pressed", "visit.panic_cancelled"]);
  } finally {
    await context.close();
  }
});

// Last: it shortens the school's check-ins for the visits planned after it.
test("a missed check-in turns the Today card red with the rung's instruction", { timeout: 240_000 }, async () => {
  await shortCheckIns(server.url);
  const { id } = await visitThroughApi(server.url);
  const office = await apiAs(server.url, "office@harton.demo");
  const staff = (await office.get("/api/staff")).json;
  const buddy = staff.find((s) => s.email === "dsl@harton.demo");
  const { context, page, card } = await phoneOn(id);
  try {
    assert.equal(await card.locator(".missed-box").count(), 0);
    await card.locator(".missed-box").waitFor({ timeout: 180_000 });
    assert.match(await card.getAttribute("class"), /\bmissed\b/);
    await card.getByText("Check-in missed.").waitFor();
    const call = card.getByRole("link", { name: `Phone your buddy now: ${buddy.mobile}` });
    assert.equal(await call.getAttribute("href"), `tel:${buddy.mobile}`);
    await shot(page, "phone-05-missed-check-in");

    // "I'm OK" answers it: the card is ordinary again.
    await card.getByRole("button", { name: "I'm OK" }).click();
    await page.getByText(/Check-in sent at/).waitFor();
    await page.reload();
    assert.equal(await card.locator(".missed-box").count(), 0);
  } finally {
    await context.close();
  }
});
