// Practice alarms (drills, #11 item 9) as the head and office live them: the head starts a drill
// from /drills on a visit that is out, the office board shows it as a DRILL, the office
// acknowledges it there, and the head's drill report shows when and how long it took.
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

test("the head starts a drill, the board shows DRILL, the office acknowledges, the report times it", { timeout: 180_000 }, async () => {
  const url = server.url;
  const { id } = await visitThroughApi(url);
  const headCtx = await browser.newContext(DESKTOP);
  const officeCtx = await browser.newContext(DESKTOP);
  try {
    const head = await headCtx.newPage();
    await signIn(head, url, "head@harton.demo");
    await head.goto(`${url}/drills`);
    await head.getByLabel("Visit to run the drill on").selectOption(String(id));
    await head.getByRole("button", { name: "Start the drill" }).click();
    await head.waitForURL(`${url}/drills`);
    await head.getByRole("heading", { name: /Drill \d+, started .*: running/ }).waitFor();
    await shot(head, "drills-01-started");

    const office = await officeCtx.newPage();
    await signIn(office, url, "office@harton.demo");
    await office.goto(`${url}/board`);
    const drill = office.locator("#board article.alarm.drill");
    await drill.waitFor({ timeout: 10_000 });
    assert.match(await drill.locator("h3").innerText(), /^DRILL — /);
    await drill.getByText("a practice alarm started by the head or DSL").waitFor();
    await shot(office, "drills-02-board");
    await drill.getByLabel("What you are doing").fill("Phoned the staff: practice");
    await drill.getByRole("button", { name: "Acknowledge: I am dealing with it" }).click();
    await office.locator("#board article.alarm.drill.acknowledged").waitFor();

    await head.goto(`${url}/drills`);
    const report = head.locator("section.drill-report").first();
    await report.getByRole("heading", { name: /: acknowledged$/ }).waitFor();
    await report.getByText(/^Acknowledged by Olive Office, \d+ (min \d+ )?s after the start\.$/).waitFor();
    await shot(head, "drills-03-report");
    await report.getByRole("button", { name: /^End drill \d+$/ }).click();
    await head.waitForURL(`${url}/drills`);
    await head.locator("section.drill-report").first().getByRole("heading", { name: /: ended$/ }).waitFor();
  } finally {
    await headCtx.close();
    await officeCtx.close();
  }
});

test("the head starts a panic drill on a practice visit from the page; a refusal keeps the ticks", { timeout: 180_000 }, async () => {
  const url = server.url;
  const headCtx = await browser.newContext(DESKTOP);
  try {
    const head = await headCtx.newPage();
    await signIn(head, url, "head@harton.demo");
    await head.goto(`${url}/drills`);
    const form = head.locator("form").filter({ has: head.getByRole("button", { name: "Start the practice drill" }) });
    await form.getByLabel("Tom Teacher").check();
    await form.getByLabel("Lina Liaison").check();
    await form.getByLabel("Alarm to practise").selectOption("panic");
    // No buddy chosen: refused next to the buddy's box, the ticks and the alarm kept.
    await form.getByRole("button", { name: "Start the practice drill" }).click();
    await head.locator("#buddy_staff_id-error").getByText("choose a buddy at school").waitFor();
    const kept = head.locator("form").filter({ has: head.getByRole("button", { name: "Start the practice drill" }) });
    assert.equal(await kept.getByLabel("Tom Teacher").isChecked(), true);
    assert.equal(await kept.getByLabel("Lina Liaison").isChecked(), true);
    assert.equal(await kept.getByLabel("Alarm to practise").inputValue(), "panic");
    await shot(head, "drills-04-practice-refused");

    await kept.getByLabel("Buddy at school").selectOption({ label: "Sam Senior" });
    await kept.getByRole("button", { name: "Start the practice drill" }).click();
    await head.waitForURL(`${url}/drills`);
    const report = head.locator("section.drill-report").first();
    await report.getByRole("heading", { name: /\(practice visit, emergency: staff pressed the panic button\): running$/ }).waitFor();
    await shot(head, "drills-05-practice-started");
    await report.getByRole("button", { name: /^End drill \d+$/ }).click();
    await head.waitForURL(`${url}/drills`);
    await head.locator("section.drill-report").first().getByRole("heading", { name: /: ended$/ }).waitFor();
  } finally {
    await headCtx.close();
  }
});
