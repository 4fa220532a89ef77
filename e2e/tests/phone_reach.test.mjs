// On a 375 × 740 phone (tester): during a visit under way, Panic, I'm OK and Call 999 are on the
// screen without scrolling — a bar pinned to the bottom that names the visit it acts on and
// covers nothing — and tapping Panic there raises the alarm. On the office board each person out
// is a card with their status first, their name and when they are due back, all inside the
// screen's width, before and after the board updates itself.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, visitThroughApi, apiAs } from "../lib/server.mjs";
import { launch, shot, signIn, DESKTOP } from "../lib/browser.mjs";

const SMALL = {
  viewport: { width: 375, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

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
  return (await office.get("/api/alarms")).json.filter((a) => a.visit_id === visit).map((a) => a.kind);
}

/** The visitors are back: the visit no longer has a bar on Today (for the tests after). */
async function backAtSchool(teacher, id) {
  const status = async () => (await teacher.get(`/api/visits/${id}`)).json.visit.status;
  if ((await status()) === "signed_out") await teacher.post(`/api/visits/${id}/arrived`, {});
  await teacher.post(`/api/visits/${id}/left`, { early_for_safety: false });
  const back = await teacher.post(`/api/visits/${id}/returned`, { at_home: false });
  assert.equal(back.status, 200, JSON.stringify(back.json));
}

/** Whether `locator` is wholly on the screen as it is now, without scrolling. */
async function onScreen(page, locator) {
  const box = await locator.boundingBox();
  const { w, h } = await page.evaluate(() => ({ w: window.innerWidth, h: window.innerHeight }));
  return box !== null && box.y >= 0 && box.y + box.height <= h && box.x >= 0 && box.x + box.width <= w;
}

test("during a visit under way Panic and Call 999 are on a 375 × 740 screen, and Panic there raises the alarm", { timeout: 120_000 }, async () => {
  const { id, teacher } = await visitThroughApi(server.url);
  const context = await browser.newContext(SMALL);
  try {
    const page = await context.newPage();
    await signIn(page, server.url, "teacher@harton.demo");
    for (const step of ["signed out", "arrived"]) {
      if (step === "arrived") assert.equal((await teacher.post(`/api/visits/${id}/arrived`, {})).status, 200);
      await page.goto(`${server.url}/today`);
      const card = page.locator(`#visit-${id}`);
      await card.waitFor();
      assert.equal(await page.evaluate(() => window.scrollY), 0);
      // The bar is a region named for the visit it acts on.
      const bar = page.getByRole("region", { name: "Help now on the visit to Ava Smith · Smith family" });
      const panic = bar.getByRole("button", { name: "Panic — I need help" });
      const call = bar.getByRole("link", { name: "Call 999" });
      const ok = bar.getByRole("button", { name: "I'm OK" });
      for (const [name, el] of [["Panic", panic], ["Call 999", call], ["I'm OK", ok]]) {
        assert.ok(await onScreen(page, el), `${step}: ${name} is on screen: ${JSON.stringify(await el.boundingBox())}`);
      }
      assert.equal(await call.getAttribute("href"), "tel:999");
      // One Panic and one I'm OK for the one visit: the bar's are the card's.
      assert.equal(await page.getByRole("button", { name: "Panic — I need help" }).count(), 1);
      assert.equal(await page.getByRole("button", { name: "I'm OK" }).count(), 1);
      assert.equal(await card.getByRole("button", { name: "Panic — I need help" }).count(), 1);
      await shot(page, `phone-reach-01-${step.replace(" ", "-")}`);

      // The bar covers nothing: scrolled to the end, the page's last link is above it.
      await page.evaluate(() => window.scrollTo(0, document.scrollingElement.scrollHeight));
      const last = page.getByRole("link", { name: "Plan a visit" }).last();
      const top = (await page.locator(".sos.pinned").boundingBox()).y;
      const lastBox = await last.boundingBox();
      assert.ok(lastBox.y + lastBox.height <= top, `the last link ends at ${lastBox.y + lastBox.height}, the bar starts at ${top}`);
      assert.ok(await page.evaluate(() => document.scrollingElement.scrollWidth) <= 375);
    }

    // Tap Panic in the bar: the first tap asks for a second, in the same place.
    await page.evaluate(() => window.scrollTo(0, 0));
    const bar = page.getByRole("region", { name: /Help now on the visit to Ava Smith/ });
    const panic = bar.getByRole("button", { name: "Panic — I need help" });
    const first = await panic.boundingBox();
    await panic.tap();
    await bar.getByText("Tap again to send the alarm").waitFor();
    assert.deepEqual(await alarmsOf(id), []);
    assert.deepEqual(await panic.boundingBox(), first, "the second tap lands where the first did");
    assert.ok(await onScreen(page, bar.getByRole("button", { name: "Cancel — it was a mistake" })));
    await shot(page, "phone-reach-02-tap-again");
    await panic.tap();
    await page.getByText("Sent: Panic — I need help.").waitFor();
    assert.deepEqual(await alarmsOf(id), ["panic"]);
    await page.locator(`#visit-${id} .help-coming`).getByText(/Sent at \d\d:\d\d · waiting for someone at school/).waitFor();

    // The office's board has it.
    const officeCtx = await browser.newContext(SMALL);
    try {
      const office = await officeCtx.newPage();
      await signIn(office, server.url, "office@harton.demo");
      await office.goto(`${server.url}/board`);
      await office.locator(`#board article.alarm:has(a[href="/visits/${id}"])`, { hasText: /panic/i }).waitFor();
      await shot(office, "phone-reach-03-board-alarm");
    } finally {
      await officeCtx.close();
    }
  } finally {
    await context.close();
    await backAtSchool(teacher, id);
  }
});

test("out on two visits, the pinned bar is the one in trouble, named, and each visit has one Panic", { timeout: 120_000 }, async () => {
  const calm = await visitThroughApi(server.url);
  const trouble = await visitThroughApi(server.url, { pupil: "Zara Khan" });
  // Panic on the second visit from another device; the phone shows it when it loads.
  assert.equal((await trouble.teacher.post(`/api/visits/${trouble.id}/panic`, { note: "test" })).status, 201);
  const context = await browser.newContext(SMALL);
  try {
    const page = await context.newPage();
    await signIn(page, server.url, "teacher@harton.demo");
    await page.goto(`${server.url}/today`);
    const pinned = page.locator(".sos.pinned");
    assert.equal(await pinned.count(), 1);
    assert.match(await pinned.innerText(), /Zara Khan · Khan family/);
    assert.match(await pinned.innerText(), /also out on 1 more: its buttons are on its card/);
    assert.ok(await onScreen(page, pinned.getByRole("button", { name: "Panic — I need help" })));
    // The pinned bar belongs to the card of the visit in trouble, which comes first.
    assert.equal(await page.locator(`#visit-${trouble.id} .sos.pinned`).count(), 1);
    assert.equal(await page.locator(".visit-card").first().getAttribute("id"), `visit-${trouble.id}`);
    // Each visit under way has exactly one Panic, inside a region naming that visit.
    for (const [visit, who] of [[calm.id, "Ava Smith · Smith family"], [trouble.id, "Zara Khan · Khan family"]]) {
      const card = page.locator(`#visit-${visit}`);
      assert.equal(await card.getByRole("button", { name: "Panic — I need help" }).count(), 1);
      const region = card.getByRole("region", { name: `Help now on the visit to ${who}` });
      assert.equal(await region.getByRole("button", { name: "Panic — I need help" }).count(), 1);
    }
    await shot(page, "phone-reach-04-two-visits");
  } finally {
    await context.close();
    await backAtSchool(calm.teacher, calm.id);
    await backAtSchool(trouble.teacher, trouble.id);
  }
});

test("without JavaScript the bar's Panic is on screen too, and raises the alarm after the confirm page", { timeout: 120_000 }, async () => {
  const { id, teacher } = await visitThroughApi(server.url);
  const context = await browser.newContext({ ...SMALL, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await signIn(page, server.url, "teacher@harton.demo");
    await page.goto(`${server.url}/today`);
    const bar = page.getByRole("region", { name: "Help now on the visit to Ava Smith · Smith family" });
    const panic = bar.getByRole("button", { name: "Panic — I need help" });
    assert.ok(await onScreen(page, panic));
    assert.ok(await onScreen(page, bar.getByRole("link", { name: "Call 999" })));
    await panic.tap();
    await page.getByRole("heading", { name: "Send the panic alarm?" }).waitFor();
    assert.deepEqual(await alarmsOf(id), []);
    await page.getByRole("button", { name: "Yes — send the alarm now" }).tap();
    await page.waitForURL(/done=panic/);
    assert.deepEqual(await alarmsOf(id), ["panic"]);
  } finally {
    await context.close();
    await backAtSchool(teacher, id);
  }
});

test("on a 375 × 740 phone the board shows each person out as a card, status first, inside the screen's width, also after a live change", { timeout: 120_000 }, async () => {
  const { id, teacher } = await visitThroughApi(server.url, { pupil: "Ava Smith" });
  const context = await browser.newContext(SMALL);
  try {
    const page = await context.newPage();
    await signIn(page, server.url, "office@harton.demo");
    await page.goto(`${server.url}/board`);
    const card = page.locator(`#board #out-${id}`);
    await card.waitFor();
    const loads = [];
    page.on("load", () => loads.push(Date.now()));

    // Read in one go: the board replaces its live part whenever something changes.
    const readable = async (status) => {
      const seen = await page.evaluate((id) => {
        const row = document.getElementById(`out-${id}`);
        row.scrollIntoView({ block: "start" });
        const box = (el) => { const r = el.getBoundingClientRect(); return { x: r.x, y: r.y, right: r.right, bottom: r.bottom }; };
        const cell = (sel) => row.querySelector(sel);
        const label = (sel) => getComputedStyle(cell(sel), "::before").content;
        return {
          pageWidth: document.scrollingElement.scrollWidth,
          screen: { w: window.innerWidth, h: window.innerHeight },
          card: box(row),
          who: { text: cell("td.who").innerText, ...box(cell("td.who")) },
          status: { text: cell("td.status").innerText, label: label("td.status"), ...box(cell("td.status")) },
          dueBack: { text: cell('td[data-label="Due back"]').innerText, label: label('td[data-label="Due back"]'), ...box(cell('td[data-label="Due back"]')) },
        };
      }, id);
      const all = JSON.stringify(seen);
      assert.ok(seen.pageWidth <= 375, `the page is no wider than the phone: ${all}`);
      assert.ok(seen.card.x >= 0 && seen.card.right <= 375, `the card is inside the screen: ${all}`);
      for (const what of ["who", "status", "dueBack"]) {
        const b = seen[what];
        assert.ok(b.x >= 0 && b.right <= seen.screen.w && b.y >= 0 && b.bottom <= seen.screen.h, `${what} is on screen: ${all}`);
      }
      // The name once; the status first, labelled; due back labelled, with its time.
      assert.equal(seen.who.text.match(/Tom Teacher/g)?.length, 1, all);
      assert.equal(seen.status.text, status);
      assert.ok(seen.status.y < seen.who.y, `status comes first: ${all}`);
      assert.equal(seen.status.label, '"Status: "');
      assert.equal(seen.dueBack.label, '"Due back: "');
      assert.match(seen.dueBack.text, /^\d\d:\d\d \(in \d+ min\)$/);
      return seen;
    };
    await readable("Signed out, on the way");
    await shot(page, "phone-reach-05-board-card");

    // A live change: the teacher arrives, then presses panic. The card follows, still a card.
    assert.equal((await teacher.post(`/api/visits/${id}/arrived`, {})).status, 200);
    await card.locator("td.status", { hasText: "At the house" }).waitFor({ timeout: 15_000 });
    await readable("At the house");
    assert.equal((await teacher.post(`/api/visits/${id}/panic`, { note: "test" })).status, 201);
    await card.locator("td.who strong", { hasText: "OVERDUE" }).waitFor({ timeout: 15_000 });
    assert.match((await readable("At the house")).who.text, /OVERDUE/);
    assert.match(await card.getAttribute("class"), /\boverdue\b/);
    assert.equal(loads.length, 0, "the board changed without a reload");
    await shot(page, "phone-reach-06-board-card-after-change");
  } finally {
    await context.close();
  }

  // On a desktop the list is still the seven-column table.
  const desk = await browser.newContext(DESKTOP);
  try {
    const page = await desk.newPage();
    await signIn(page, server.url, "office@harton.demo");
    await page.goto(`${server.url}/board`);
    const row = page.locator(`#board #out-${id}`);
    await row.waitFor();
    assert.equal(await row.evaluate((r) => getComputedStyle(r).display), "table-row");
    assert.ok(await page.locator("#board table.out-now thead").isVisible());
    assert.equal(await page.locator("#board table.out-now thead th").count(), 7);
  } finally {
    await desk.close();
  }
});
