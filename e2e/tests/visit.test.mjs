// A whole visit in the browser, as the people at Harton Academy would do it: the teacher plans it
// and meets the policy's refusal, fixes it and requests; the head authorises (acknowledging the
// household's caution flag); the teacher signs out, arrives, checks in and then misses a
// check-in; the alarm appears on the office board in another browser, live; the office
// acknowledges it; the teacher comes back to school. Once on a desktop, once on a phone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, shortCheckIns } from "../lib/server.mjs";
import { launch, shot, signIn, DESKTOP, PHONE } from "../lib/browser.mjs";

let server;
let browser;

before(async () => {
  // The school day starts at 09:00 today whatever the hour the test runs: the plan form offers
  // the next half hour, which late in the evening would be refused as running past midnight (C4)
  // or, after midnight, land in the small hours. The clock then runs at real speed.
  const nine = `${new Date().toISOString().slice(0, 10)}T09:00:00Z`;
  server = await startServer({ env: { DOORSTEP_CLOCK_START: nine } });
  await shortCheckIns(server.url);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function choose(page, selectLabel, optionText) {
  const select = page.getByLabel(selectLabel, { exact: true });
  const value = await select.locator("option", { hasText: optionText }).first().getAttribute("value");
  await select.selectOption(value);
}

for (const [device, options] of [["desktop", DESKTOP], ["phone", PHONE]]) {
  test(`a whole visit, planned to back at school (${device})`, { timeout: 300_000 }, async () => {
    const url = server.url;
    const n = (i, name) => `${device}-${String(i).padStart(2, "0")}-${name}`;
    const teacherCtx = await browser.newContext(options);
    const headCtx = await browser.newContext(options);
    const officeCtx = await browser.newContext(options);
    try {
      const teacher = await teacherCtx.newPage();
      await signIn(teacher, url, "teacher@harton.demo");
      await teacher.goto(`${url}/visits/new`);

      // Plan, leaving two things the policy asks for undone.
      await choose(teacher, "Pupil", "Zara Khan");
      await teacher.getByLabel("Reason", { exact: true }).selectOption("attendance_concern");
      await teacher.getByLabel("Purpose of the visit").fill("Zara has missed six days; talk with her father about coming back.");
      await teacher.getByLabel("Yes — they could come into school").check();
      await choose(teacher, "Visiting staff 2", "Lina Liaison");
      await teacher.locator("#visitors-1-role_on_visit").fill("Family liaison officer");
      await choose(teacher, "Buddy at school", "Dev Safeguarding");
      await shot(teacher, n(1, "plan-filled"));
      await teacher.getByRole("button", { name: "Save and check against the policy" }).click();
      await teacher.waitForURL(/\/visits\/\d+\?saved=1/);
      const visitId = Number(/\/visits\/(\d+)/.exec(teacher.url())[1]);
      const check = teacher.locator("#policy-check");
      await assert.doesNotReject(check.getByText("arrange a meeting at school rather than a visit").waitFor());
      await assert.doesNotReject(check.getByText("Agree a code word").waitFor());

      // Requesting is refused, and every unmet rule is shown in plain words.
      await teacher.getByRole("button", { name: "Request authorisation" }).click();
      const refusal = teacher.locator("#error-summary");
      await refusal.waitFor();
      assert.match(await refusal.innerText(), /does not allow this yet/);
      assert.match(await refusal.innerText(), /P2/);
      assert.match(await refusal.innerText(), /P5/);
      await shot(teacher, n(2, "policy-refusal"));

      // Fix the plan and request again.
      await teacher.getByRole("link", { name: "Change the plan" }).click();
      await teacher.getByLabel("No — a visit is needed").check();
      await teacher.getByLabel("Code word or phrase").fill("bluebell");
      await teacher.getByRole("button", { name: "Save the plan" }).click();
      await teacher.waitForURL(/saved=1/);
      await check.getByText("Every rule of the school's policy is met").waitFor();
      await teacher.getByRole("button", { name: "Request authorisation" }).click();
      await teacher.getByText("Sent for authorisation.").waitFor();
      await shot(teacher, n(3, "requested"));

      // The head authorises; the caution flag must be acknowledged first.
      const head = await headCtx.newPage();
      await signIn(head, url, "head@harton.demo");
      await head.goto(`${url}/authorise`);
      await head.getByRole("link", { name: "Zara Khan" }).last().click();
      await head.waitForURL(new RegExp(`/authorise/${visitId}$`));
      await shot(head, n(4, "authorise-request"));
      await head.getByRole("button", { name: "Authorise", exact: true }).click();
      await head.locator("#error-summary").waitFor();
      assert.match(await head.locator("#error-summary").innerText(), /P10/);
      await head.getByLabel(/verbally aggressive/).check();
      await head.getByLabel("Comment").fill("Go as a pair; keep to the doorstep if father is angry.");
      await head.getByRole("button", { name: "Authorise", exact: true }).click();
      await head.getByText("Authorised. The visiting staff can sign out").waitFor();
      await shot(head, n(5, "authorised"));

      // The teacher signs out, arrives and checks in.
      await teacher.goto(`${url}/today`);
      const card = teacher.locator(`#visit-${visitId}`);
      await card.getByRole("button", { name: "Left school" }).click();
      await card.getByRole("button", { name: "Arrived" }).waitFor();
      await shot(teacher, n(6, "signed-out"));
      await card.getByRole("button", { name: "Arrived" }).click();
      await card.getByRole("button", { name: "I'm OK" }).waitFor();
      await card.getByRole("button", { name: "I'm OK" }).click();
      await teacher.getByText(/Check-in sent/).first().waitFor();
      await shot(teacher, n(7, "checked-in"));

      // The office watches the board; the check-in is missed and the alarm appears without a reload.
      const office = await officeCtx.newPage();
      await signIn(office, url, "office@harton.demo");
      await office.goto(`${url}/board`);
      await office.locator("#board").getByText(/Tom Teacher/).first().waitFor();
      await shot(office, n(8, "board-out"));
      const loads = [];
      office.on("load", () => loads.push(Date.now()));
      const alarm = office.locator("#board article.alarm", { hasText: "missed check-in" });
      await alarm.waitFor({ timeout: 180_000 });
      assert.equal(loads.length, 0, "the alarm arrived without reloading the board");
      await office.locator("#board tr.overdue").first().waitFor();
      await shot(office, n(9, "board-alarm"));

      // The teacher's phone shows the check-in as overdue too.
      await teacher.reload();
      await card.locator(".next-due.overdue").waitFor();

      // The office takes charge.
      await alarm.getByLabel("What you are doing").fill("Ringing Tom now");
      await alarm.getByRole("button", { name: "Acknowledge: I am dealing with it" }).click();
      await office.locator("#board").getByText(/Olive Office is dealing with this alarm \(since .*\): Ringing Tom now/).waitFor();
      await shot(office, n(10, "board-acknowledged"));

      // The teacher leaves and is back at school: the visit is closed and the alarm with it.
      await card.getByRole("button", { name: "Leaving now" }).click();
      await card.getByRole("button", { name: "Back at school" }).waitFor();
      await card.getByRole("button", { name: "Back at school" }).click();
      await teacher.getByText("Welcome back.").waitFor();
      await shot(teacher, n(11, "back-at-school"));
      await office.goto(`${url}/board`);
      await office.getByText("Nobody is out.").waitFor();
      await office.getByText("No alarms.").waitFor();
      await shot(office, n(12, "board-clear"));
    } finally {
      await teacherCtx.close();
      await headCtx.close();
      await officeCtx.close();
    }
  });
}
