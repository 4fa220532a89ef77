// Accounts people manage (#12 item 3), in the browser: the office manager is signed in on two
// devices (two browser contexts); from one, "My sessions" lists both and signs the other out,
// which is at once sent back to sign-in; then a weak new password is refused next to its field,
// a good one is saved, and only the new password signs in.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../lib/server.mjs";
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

test("signing out the other device and changing the password", { timeout: 120_000 }, async () => {
  const url = server.url;
  const email = "office@harton.demo";
  const other = await browser.newContext(DESKTOP);
  const mine = await browser.newContext(DESKTOP);
  try {
    const otherPage = await other.newPage();
    await signIn(otherPage, url, email, { secondFactor: false });
    const page = await mine.newPage();
    await signIn(page, url, email, { secondFactor: false });

    await page.goto(`${url}/me/sessions`);
    const rows = page.locator("table.sessions tbody tr");
    assert.equal(await rows.count(), 2);
    assert.equal(await page.locator("tr.this-device").count(), 1);
    await shot(page, "accounts-01-my-sessions");
    await page.getByRole("button", { name: "Sign out all other devices" }).click();
    await page.getByText("Every other device is signed out.").waitFor();
    assert.equal(await rows.count(), 1);

    // The other device is signed out at once: its next page is the sign-in page.
    await otherPage.goto(`${url}/`);
    await otherPage.waitForURL((u) => u.pathname === "/login");

    // A weak password is refused next to its field; a good one is saved.
    await page.getByLabel("Current password").fill("doorstep-demo");
    await page.getByLabel("New password").fill("short");
    await page.getByRole("button", { name: "Change my password" }).click();
    await page.getByText("Choose a password of at least 10 characters").first().waitFor();
    await shot(page, "accounts-02-weak-password");
    await page.getByLabel("Current password").fill("doorstep-demo");
    await page.getByLabel("New password").fill("kettle lamp orchard");
    await page.getByRole("button", { name: "Change my password" }).click();
    await page.getByText("Your password is changed").waitFor();

    // The old password no longer signs in; the new one does.
    await otherPage.getByLabel("E-mail address").fill(email);
    await otherPage.getByLabel("Password").fill("doorstep-demo");
    await otherPage.getByRole("button", { name: "Sign in" }).click();
    await otherPage.getByText("The e-mail address or the password is not right").first().waitFor();
    await otherPage.getByLabel("Password").fill("kettle lamp orchard");
    await otherPage.getByRole("button", { name: "Sign in" }).click();
    await otherPage.waitForURL((u) => !u.pathname.startsWith("/login"));
  } finally {
    await other.close();
    await mine.close();
  }
});
