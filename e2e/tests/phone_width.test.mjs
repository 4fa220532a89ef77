// On a 390 px wide phone (tester's D) every page a visitor uses fits the screen: the top
// navigation scrolls inside itself instead of widening the page to 1,432 px, so nothing (the
// panic button included) is off to the side. So does every page in the head's navigation: a wide
// table (the policy's version history) scrolls inside its card.
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

test("every page a visitor uses fits a 390 px wide phone", { timeout: 120_000 }, async () => {
  const { id } = await visitThroughApi(server.url);
  const context = await browser.newContext(PHONE);
  try {
    const page = await context.newPage();
    await signIn(page, server.url, "teacher@harton.demo");
    for (const path of ["/today", `/visits/${id}`, "/visits/new", "/board"]) {
      await page.goto(`${server.url}${path}`);
      await page.locator("main").waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      const wide = await page.evaluate(() =>
        [...document.querySelectorAll("body *")]
          .filter((el) => el.getBoundingClientRect().right > 391 && !el.closest(".top nav"))
          .slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
      );
      await shot(page, `phone-width-${path.replaceAll("/", "-")}`);
      assert.ok(width <= 390, `${path} is ${width} px wide on a 390 px phone: ${wide.join(", ")}`);
    }
    // The navigation is still all there: it scrolls sideways inside itself.
    await page.goto(`${server.url}/today`);
    const nav = await page.evaluate(() => {
      const n = document.querySelector(".top nav");
      return { scroll: n.scrollWidth, client: n.clientWidth, overflow: getComputedStyle(n).overflowX };
    });
    if (nav.scroll > nav.client) assert.equal(nav.overflow, "auto");
  } finally {
    await context.close();
  }
});

test("every page the head and office use fits a 390 px wide phone", { timeout: 180_000 }, async () => {
  const context = await browser.newContext(PHONE);
  try {
    const page = await context.newPage();
    await signIn(page, server.url, "head@harton.demo");
    await page.goto(`${server.url}/today`);
    const paths = await page.evaluate(() =>
      [...document.querySelectorAll(".top nav a")].map((a) => new URL(a.href).pathname)
    );
    assert.ok(paths.includes("/policy"), `the head's navigation: ${paths.join(", ")}`);
    for (const path of new Set(paths)) {
      await page.goto(`${server.url}${path}`);
      await page.locator("main").waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      const wide = await page.evaluate(() =>
        [...document.querySelectorAll("main *")]
          .filter((el) => el.getBoundingClientRect().right > 391 && !el.closest(".table-wrap"))
          .slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
      );
      assert.ok(width <= 390, `${path} is ${width} px wide on a 390 px phone: ${wide.join(", ")}`);
    }
  } finally {
    await context.close();
  }
});
