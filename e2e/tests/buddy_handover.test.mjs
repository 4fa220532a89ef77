// The buddy's hand-over (#11 item 10, tester A4) on a phone, without JavaScript: the buddy's
// Today card offers "Hand over to another buddy" with only the colleagues who may take over;
// nobody chosen or no tick is refused next to the field; once handed over the buddy's card is
// gone and the visitors' Today shows the new buddy with a tel: link.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, visitThroughApi } from "../lib/server.mjs";
import { launch, shot, signIn, PHONE } from "../lib/browser.mjs";

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

test("the buddy hands over from Today on a phone, and the visitors see the new buddy", { timeout: 120_000 }, async () => {
  // Out now: Tom Teacher and Lina Liaison visiting, Dev Safeguarding (the DSL) their buddy.
  const { id } = await visitThroughApi(server.url);
  const buddyCtx = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
  const teacherCtx = await browser.newContext(PHONE);
  try {
    const page = await buddyCtx.newPage();
    await signIn(page, server.url, "dsl@harton.demo");
    await page.goto(`${server.url}/today`);
    const card = page.locator(`#visit-${id}`);
    await card.getByText("Hand over to another buddy").click();
    const select = card.getByLabel("Who takes over as buddy");
    const choices = await select.locator("option").allTextContents();
    assert.ok(choices.some((c) => c.startsWith("Sam Senior")), choices.join(" | "));
    assert.ok(choices.some((c) => c.startsWith("Olive Office")), choices.join(" | "));
    for (const never of ["Chris Chair", "Tom Teacher", "Lina Liaison", "Dev Safeguarding"]) {
      assert.ok(!choices.some((c) => c.startsWith(never)), `${never} is not offered: ${choices.join(" | ")}`);
    }

    // Nobody chosen: refused next to the choice.
    await card.getByRole("button", { name: "Hand over the buddy role" }).click();
    const again = page.locator(`#visit-${id}`);
    await again.locator(".field-error", { hasText: "Choose who takes over as buddy" }).waitFor();
    await shot(page, "buddy-handover-01-nobody-chosen");

    // Chosen but not confirmed: refused next to the tick.
    await again.getByLabel("Who takes over as buddy").selectOption({ label: choices.find((c) => c.startsWith("Sam Senior")) });
    await again.getByRole("button", { name: "Hand over the buddy role" }).click();
    const third = page.locator(`#visit-${id}`);
    await third.locator(".field-error", { hasText: "Tick to confirm" }).waitFor();

    await third.getByLabel("Who takes over as buddy").selectOption({ label: choices.find((c) => c.startsWith("Sam Senior")) });
    await third.getByLabel("They know, and can be phoned for the rest of the visit").check();
    await third.getByRole("button", { name: "Hand over the buddy role" }).click();
    await page.getByText("The buddy role is handed over").waitFor();
    assert.equal(await page.locator(`#visit-${id}`).count(), 0, "the visit has left the old buddy's Today");
    await shot(page, "buddy-handover-02-done");

    const phone = await teacherCtx.newPage();
    await signIn(phone, server.url, "teacher@harton.demo");
    await phone.goto(`${server.url}/today`);
    const theirs = phone.locator(`#visit-${id}`);
    const buddyLine = theirs.locator("dd", { hasText: "Sam Senior" });
    await buddyLine.waitFor();
    const tel = await buddyLine.locator("a[href^='tel:']").getAttribute("href");
    assert.match(tel, /^tel:07700\d+$/);
    assert.equal(await theirs.getByText("Dev Safeguarding").count(), 0, "the old buddy is gone from the card");

    // The visit's history says what happened.
    await phone.goto(`${server.url}/visits/${id}`);
    await phone.getByText(/Buddy handed over from Dev Safeguarding to Sam Senior at \d\d:\d\d/).waitFor();
    await shot(phone, "buddy-handover-03-visitor-sees-new-buddy");
  } finally {
    await buddyCtx.close();
    await teacherCtx.close();
  }
});
