// A second factor before safeguarding history (#10 item 3), in the browser: the DSL, signed in
// with a password only, opens a chronology and is sent to set up an authenticator; the code is
// computed here as an authenticator app would (RFC 6238); the recovery codes are shown once; the
// chronology opens. Later, in a new session, the same chronology asks for the code first, a wrong
// code is refused next to its field, and the right one comes back to the chronology.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, apiAs } from "../lib/server.mjs";
import { launch, shot, signIn, totp, DESKTOP } from "../lib/browser.mjs";

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

test("the DSL sets up an authenticator, then types a code before reading a chronology", { timeout: 120_000 }, async () => {
  const url = server.url;
  const head = await apiAs(url, "head@harton.demo");
  const leo = (await head.get("/api/pupils")).json.find((p) => p.name === "Leo Brown");
  const chronology = `/pupils/${leo.id}/chronology`;
  const ctx = await browser.newContext(DESKTOP);
  let secret;
  try {
    const page = await ctx.newPage();
    await signIn(page, url, "dsl@harton.demo", { secondFactor: false });
    await page.goto(`${url}${chronology}`);
    // Not enrolled: sent to set up an authenticator, with the chronology to come back to.
    await page.waitForURL((u) => u.pathname === "/me/second-factor" && u.searchParams.get("next") === chronology);
    assert.equal(await page.locator("#chronology").count(), 0);
    await page.getByRole("button", { name: "Set up an authenticator" }).click();
    secret = (await page.locator(".totp-secret").textContent()).trim();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.match(await page.getByRole("link", { name: "Open in an authenticator app" }).getAttribute("href"), /^otpauth:\/\/totp\/Doorstep:/);
    await shot(page, "second-factor-01-set-up");
    await page.getByLabel("The 6-digit code the app shows now").fill(totp(secret));
    await page.getByRole("button", { name: "Finish setting up" }).click();
    await page.getByRole("heading", { name: "Your recovery codes" }).waitFor();
    const codes = await page.locator(".recovery-codes code").allTextContents();
    assert.equal(codes.length, 8);
    await page.getByRole("link", { name: "Continue" }).click();
    await page.waitForURL((u) => u.pathname === chronology);
    await page.locator("#chronology").waitFor();
  } finally {
    await ctx.close();
  }

  // A new session (a new browser) must type a code again.
  const ctx2 = await browser.newContext(DESKTOP);
  try {
    const page = await ctx2.newPage();
    await signIn(page, url, "dsl@harton.demo", { secondFactor: false });
    await page.goto(`${url}${chronology}`);
    await page.waitForURL((u) => u.pathname === "/me/second-factor");
    await page.getByRole("heading", { name: "Type your authenticator code" }).waitFor();
    await page.getByLabel("Code", { exact: true }).fill("123456");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByText(/that code is not right/).first().waitFor();
    await shot(page, "second-factor-02-wrong-code");
    // The enrolment code's 30-second step is spent; the authenticator's next code is taken.
    const next = Math.ceil(Date.now() / 30_000) * 30_000;
    await new Promise((r) => setTimeout(r, next - Date.now() + 50));
    await page.getByLabel("Code", { exact: true }).fill(totp(secret));
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL((u) => u.pathname === chronology);
    await page.locator("#chronology").waitFor();
    await shot(page, "second-factor-03-chronology");
  } finally {
    await ctx2.close();
  }
});
