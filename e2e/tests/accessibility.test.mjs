// Accessibility: axe-core finds no serious or critical violation on any page (with and without
// form errors, as each role sees it); the app works from the keyboard alone; the one-tap safety
// buttons are at least 44 px.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, visitThroughApi, apiAs } from "../lib/server.mjs";
import { launch, shot, signIn, axeProblems, DESKTOP, PHONE } from "../lib/browser.mjs";

let server;
let browser;
let out;
let draft;
let requested;
let slipped;
let happened;
let incident;

before(async () => {
  server = await startServer();
  browser = await launch();
  out = await visitThroughApi(server.url, { pupil: "Zara Khan" });
  // An alarm on the board: the teacher presses panic.
  const panic = await out.teacher.post(`/api/visits/${out.id}/panic`, { note: "test alarm" });
  assert.equal(panic.status, 201);
  draft = await visitThroughApi(server.url, { pupil: "Ava Smith", request: false });
  requested = await visitThroughApi(server.url, { pupil: "Ava Smith", authorise: false });
  // After the visit: one where nobody was home and a slip was left, one that happened.
  slipped = await visitThroughApi(server.url, { pupil: "Ava Smith" });
  assert.equal((await slipped.teacher.post(`/api/visits/${slipped.id}/nobody-home`, {})).status, 200);
  assert.equal((await slipped.teacher.post(`/api/visits/${slipped.id}/slip`, {})).status, 201);
  happened = await visitThroughApi(server.url, { pupil: "Ava Smith" });
  for (const [step, body] of [["arrived", {}], ["left", { early_for_safety: false }], ["returned", { at_home: false }]]) {
    assert.equal((await happened.teacher.post(`/api/visits/${happened.id}/${step}`, body)).status, 200);
  }
  const report = await happened.teacher.post("/api/incidents", { visit_id: happened.id, kind: "fall", occurred_at: new Date().toISOString() });
  assert.equal(report.status, 201, JSON.stringify(report.json));
  incident = report.json.incident.id;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function audit(page, label, problems) {
  const found = await axeProblems(page);
  for (const v of found) problems.push(`${label}: ${v.impact} ${v.id} — ${v.help} (${v.nodes.join(", ")})`);
}

for (const [device, options] of [["desktop", DESKTOP], ["phone", PHONE]]) {
  test(`axe-core finds no serious or critical problem on any page (${device})`, { timeout: 240_000 }, async () => {
    const url = server.url;
    const problems = [];
    // axe-core is injected as a script tag, which the pages' CSP (no inline script) rightly blocks.
    const ctx = await browser.newContext({ ...options, bypassCSP: true });
    try {
      const page = await ctx.newPage();
      await page.goto(`${url}/login`);
      await audit(page, "login", problems);
      await page.getByLabel("E-mail address").fill("teacher@harton.demo");
      await page.getByLabel("Password").fill("wrong password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.locator("#error-summary").waitFor();
      await audit(page, "login with an error", problems);

      await signIn(page, url, "teacher@harton.demo");
      const teacherPages = [
        ["today", "/today"],
        ["plan a visit", "/visits/new"],
        ["draft visit", `/visits/${draft.id}`],
        ["change the plan", `/visits/${draft.id}/edit`],
        ["visit under way", `/visits/${out.id}`],
        ["information pack", `/visits/${out.id}/pack`],
        ["risk assessment form", `/households/${out.householdId}/risk-assessments/new?visit_id=${draft.id}`],
        ["households", "/households"],
        ["household", `/households/${out.householdId}`],
        ["add a household", "/households/new"],
        ["pupil", `/pupils/${out.pupilId}`],
        ["staff", "/staff"],
        ["my page", `/staff/${out.teacher.me.id}`],
        ["policy", "/policy"],
        ["my actions", "/actions"],
        ["incident reports", "/incidents"],
        ["report an incident", `/incidents/new?visit_id=${out.id}`],
        ["report an incident about a household", "/incidents/new"],
        ["record for the head", `/head-only/new?visit_id=${out.id}`],
        ["pupil's chronology", `/pupils/${out.pupilId}/chronology`],
        ["exports and calendars", "/exports"],
        ["after the visit (nobody home, slip)", `/visits/${slipped.id}`],
        ["after the visit (outcome form)", `/visits/${happened.id}`],
        ["a draft incident report", `/incidents/${incident}`],
        ["not found", "/no-such-page"],
        ["not allowed", "/authorise"],
      ];
      for (const [label, path] of teacherPages) {
        await page.goto(`${url}${path}`);
        await audit(page, label, problems);
      }
      if (device === "phone") await shot(page, "a11y-phone-policy");
      // Forms re-rendered with their errors.
      await page.goto(`${url}/visits/new`);
      await page.getByRole("button", { name: "Save and check against the policy" }).click();
      await page.locator("#error-summary").waitFor();
      await audit(page, "plan with errors", problems);
      await page.goto(`${url}/incidents/new?visit_id=${out.id}`);
      await page.getByRole("button", { name: "Save the report" }).click();
      await page.locator("#error-summary").waitFor();
      await audit(page, "incident report with errors", problems);
      await page.goto(`${url}/visits/${happened.id}`);
      await page.getByRole("button", { name: "Save the outcome" }).click();
      await page.locator("#error-summary").waitFor();
      await audit(page, "outcome with errors", problems);
      await page.goto(`${url}/exports`);
      await page.getByRole("button", { name: "Make the link" }).click();
      await page.getByLabel("Calendar address").waitFor();
      await audit(page, "a new calendar link", problems);
      await page.goto(`${url}/households/${out.householdId}/risk-assessments/new`);
      await page.getByLabel("Is anyone in the household known for violent offences?").first().waitFor().catch(() => {});
      await page.getByRole("button", { name: "Save the risk assessment" }).click();
      await page.locator("#error-summary").waitFor();
      await audit(page, "risk assessment with errors", problems);
      const fresh = await visitThroughApi(url, { pupil: "Ava Smith", request: false });
      await page.goto(`${url}/visits/${fresh.id}`);
      await page.getByRole("button", { name: "Request authorisation" }).click();
      await page.waitForLoadState();
      await audit(page, "after requesting", problems);

      await signIn(page, url, "head@harton.demo");
      for (const [label, path] of [
        ["authorisation queue", "/authorise"],
        ["authorise a request", `/authorise/${requested.id}`],
        ["policy (head)", "/policy"],
        ["staff (head)", "/staff"],
        ["incident reports (head)", "/incidents"],
        ["safeguarding concerns (head)", "/safeguarding"],
        ["records for the head", "/head-only"],
        ["chronology with who read it (head)", `/pupils/${out.pupilId}/chronology`],
        ["exports with the CSV (head)", "/exports"],
      ]) {
        await page.goto(`${url}${path}`);
        await audit(page, label, problems);
      }
      await page.goto(`${url}/authorise/${requested.id}`);
      await page.getByRole("button", { name: "Decline" }).click();
      await page.locator("#error-summary").waitFor();
      await audit(page, "decision with an error", problems);

      await signIn(page, url, "office@harton.demo");
      await page.goto(`${url}/board`);
      await page.locator("#board article.alarm").first().waitFor();
      await audit(page, "office board with an alarm", problems);
      await shot(page, `a11y-${device}-board`);
    } finally {
      await ctx.close();
    }
    assert.deepEqual(problems, [], problems.join("\n"));
  });
}

test("the one-tap safety buttons are at least 44 px on a phone", { timeout: 60_000 }, async () => {
  const ctx = await browser.newContext(PHONE);
  try {
    const page = await ctx.newPage();
    await signIn(page, server.url, "teacher@harton.demo");
    await page.goto(`${server.url}/today`);
    const card = page.locator(`#visit-${out.id}`);
    await card.getByRole("button", { name: "I'm OK" }).waitFor();
    const small = [];
    const sizes = [];
    for (const button of await page.locator("button:visible").all()) {
      const box = await button.boundingBox();
      const name = (await button.innerText()).trim();
      sizes.push(`${name}: ${Math.round(box.width)}×${Math.round(box.height)}`);
      if (box.height < 44 || box.width < 44) small.push(`${name} is ${box.width}×${box.height}`);
    }
    for (const name of ["I'm OK", "Arrived", "Nobody home", "Need more time", "Panic — I need help"]) {
      const b = card.getByRole("button", { name, exact: true });
      if ((await b.count()) === 0) continue;
      const box = await b.boundingBox();
      assert.ok(box.height >= 44 && box.width >= 44, `${name} is ${box.width}×${box.height}`);
    }
    assert.deepEqual(small, [], sizes.join("\n"));
  } finally {
    await ctx.close();
  }
});

test("everything is usable by keyboard: sign in and check in without a mouse", { timeout: 90_000 }, async () => {
  const { id } = await visitThroughApi(server.url, { pupil: "Ava Smith" });
  const ctx = await browser.newContext(DESKTOP);
  try {
    const page = await ctx.newPage();
    await page.goto(`${server.url}/login`);
    const focused = () => page.evaluate(() => {
      const a = document.activeElement;
      return { id: a.id, tag: a.tagName, text: (a.innerText || a.value || "").trim(), outline: getComputedStyle(a).outlineStyle };
    });
    // The first Tab reaches the skip link, and it is visible when focused.
    await page.keyboard.press("Tab");
    assert.equal((await focused()).text, "Skip to content");
    assert.notEqual((await focused()).outline, "none");
    for (let i = 0; i < 10 && (await focused()).id !== "email"; i++) await page.keyboard.press("Tab");
    assert.equal((await focused()).id, "email");
    await page.keyboard.type("teacher@harton.demo");
    await page.keyboard.press("Tab");
    assert.equal((await focused()).id, "password");
    await page.keyboard.type("doorstep-demo");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/today/);

    // Tab to this visit's "I'm OK" and press it.
    let reached = false;
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press("Tab");
      const here = await page.evaluate((vid) => {
        const a = document.activeElement;
        return a.tagName === "BUTTON" && a.innerText.trim() === "I'm OK" && !!a.closest(`#visit-${vid}`);
      }, id);
      if (here) { reached = true; break; }
    }
    assert.ok(reached, "I'm OK can be reached with Tab");
    assert.notEqual((await focused()).outline, "none", "the focused button shows where focus is");
    await page.keyboard.press("Enter");
    await page.getByText(/Check-in sent/).first().waitFor();
    const html = await (await page.context().request.get(`${server.url}/visits/${id}`)).text();
    assert.equal((html.match(/data-check-in/g) || []).length, 1);
  } finally {
    await ctx.close();
  }
});

test("pages and forms need no JavaScript: a check-in posts and comes back with a 303", { timeout: 60_000 }, async () => {
  const { id } = await visitThroughApi(server.url, { pupil: "Ava Smith" });
  const ctx = await browser.newContext({ ...DESKTOP, javaScriptEnabled: false });
  try {
    const page = await ctx.newPage();
    await signIn(page, server.url, "teacher@harton.demo");
    await page.goto(`${server.url}/today`);
    await page.locator(`#visit-${id}`).getByRole("button", { name: "I'm OK" }).click();
    await page.waitForURL(/done=checked-in/);
    await page.getByText("Check-in sent.").waitFor();
    await page.goto(`${server.url}/visits/${id}`);
    assert.equal(await page.locator("[data-check-in]").count(), 1);
    // A refused form comes back with the error next to its field.
    await page.goto(`${server.url}/visits/new`);
    await page.getByRole("button", { name: "Save and check against the policy" }).click();
    await page.locator("#pupil_id-error").waitFor();
    assert.match(await page.locator("#pupil_id-error").innerText(), /Choose the pupil/);
    const head = await apiAs(server.url, "head@harton.demo");
    assert.equal(head.me.name, "Helen Head");
  } finally {
    await ctx.close();
  }
});
