// Single sign-on against a real OpenID provider (the certified `oidc-provider` package) on
// loopback: the trust administrator sets the provider on the trust's Sign-in page (checked
// against its discovery document; the secret never shown back), then a teacher signs in with their school account through the provider's own login and
// consent pages and lands on Doorstep as themselves; someone whose verified address is not on the
// staff list is refused with a page saying to ask the school office; signing out ends Doorstep's
// session and offers the provider's end-session page.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import Provider from "oidc-provider";
import { startServer, freePort, apiAs } from "../lib/server.mjs";
import { launch, shot, signIn, DESKTOP } from "../lib/browser.mjs";

// Accounts at the provider: the login name typed on its page is the account id.
const ACCOUNTS = {
  teacher: { email: "teacher@harton.demo", email_verified: true, name: "Harton teacher" },
  stranger: { email: "stranger@harton.demo", email_verified: true, name: "Not staff" },
  unverified: { email: "head@harton.demo", email_verified: false, name: "Unverified" },
};

let server;
let browser;
let op;
let issuer;

before(async () => {
  const doorstepPort = await freePort();
  const doorstep = `http://127.0.0.1:${doorstepPort}`;
  issuer = `http://127.0.0.1:${await freePort()}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: "doorstep",
      client_secret: "a-test-secret-for-doorstep",
      redirect_uris: [`${doorstep}/login/sso/callback`],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    }],
    pkce: { required: () => true },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    // As Entra ID and Google do: the e-mail claims are in the ID token itself.
    conformIdTokenClaims: false,
    findAccount: async (_ctx, id) => ACCOUNTS[id] && {
      accountId: id,
      claims: async () => ({ sub: id, ...ACCOUNTS[id] }),
    },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: ["sso-test-cookie-key"] },
  });
  await new Promise((resolve) => { op = provider.listen(Number(new URL(issuer).port), "127.0.0.1", resolve); });
  // No DOORSTEP_SSO_*: the trust administrator sets the provider on the page (first test).
  server = await startServer({ port: doorstepPort, env: { DOORSTEP_PUBLIC_URL: doorstep } });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  op?.close();
});

/** From Doorstep's sign-in page through the provider's login and consent pages, as `login`. */
async function viaSchoolAccount(page, login) {
  // The provider's pages ask for a web font; nothing leaves this machine.
  await page.route((u) => !["127.0.0.1", "localhost"].includes(u.hostname), (r) => r.abort());
  await page.goto(`${server.url}/login?next=/today`);
  await page.getByRole("link", { name: "Sign in with your school account" }).click();
  await page.waitForURL((u) => u.origin === issuer);
  await page.locator("input[name=login]").fill(login);
  await page.locator("input[name=password]").fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
  // The provider's consent page, then back to Doorstep.
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL((u) => u.origin === server.url);
}

test("the trust administrator sets the trust's school-account sign-in on its page", { timeout: 120_000 }, async () => {
  const ctx = await browser.newContext(DESKTOP);
  try {
    const page = await ctx.newPage();
    await page.goto(`${server.url}/login`);
    assert.equal(await page.getByRole("link", { name: "Sign in with your school account" }).count(), 0, "not offered before it is set");
    await signIn(page, server.url, "admin@trust.demo", { secondFactor: false });
    await page.getByRole("link", { name: "Sign-in" }).click();
    await page.waitForURL((u) => u.pathname === "/trust/sign-in");
    assert.equal(await page.locator("#redirect-url").innerText(), `${server.url}/login/sso/callback`);
    await page.getByLabel("Issuer URL").fill("https://nothing-here.invalid");
    await page.getByLabel("Client (application) id").fill("doorstep");
    await page.getByLabel("Client secret").fill("a-test-secret-for-doorstep");
    await page.getByRole("button", { name: "Save the sign-in settings" }).click();
    // The issuer is checked by reading its discovery document: an address with none is refused.
    await page.getByText("could not read the provider's sign-in settings").first().waitFor();
    await page.getByLabel("Issuer URL").fill(issuer);
    await page.getByLabel("Client secret").fill("a-test-secret-for-doorstep");
    await page.getByRole("button", { name: "Save the sign-in settings" }).click();
    await page.getByText("Saved: your staff can sign in with their school account.").waitFor();
    assert.equal(await page.getByLabel("Client secret").inputValue(), "", "the secret is never shown back");
    assert.ok(!(await page.content()).includes("a-test-secret-for-doorstep"), "nor anywhere in the page");
    await shot(page, "sso-00-settings");
  } finally {
    await ctx.close();
  }
});

test("a teacher signs in with the school account and signs out", { timeout: 120_000 }, async () => {
  const ctx = await browser.newContext(DESKTOP);
  try {
    const page = await ctx.newPage();
    await viaSchoolAccount(page, "teacher");
    assert.equal(new URL(page.url()).pathname, "/today");
    const me = await page.evaluate(async () => (await fetch("/api/me")).json());
    assert.equal(me.email, "teacher@harton.demo");
    await shot(page, "sso-01-signed-in");
    // The session names the browser, as a password sign-in does.
    await page.goto(`${server.url}/me/sessions`);
    const device = await page.locator(".this-device td").first().innerText();
    assert.match(device, /^Chrome on Linux/, device);
    await page.goto(`${server.url}/today`);

    await page.getByRole("button", { name: "Log out of Doorstep" }).click();
    await page.waitForURL((u) => u.pathname === "/login");
    const endSession = page.getByRole("link", { name: "Sign out of your school account too" });
    const href = await endSession.getAttribute("href");
    assert.ok(href.startsWith(`${issuer}/session/end`), href);
    assert.ok(href.includes("client_id=doorstep"), href);
    const status = await page.evaluate(async () => (await fetch("/api/me")).status);
    assert.equal(status, 401, "Doorstep's session has ended");
    await endSession.click();
    await page.waitForURL((u) => u.origin === issuer);
    await shot(page, "sso-02-provider-sign-out");
  } finally {
    await ctx.close();
  }
});

test("someone not on the staff list is refused and nothing is created", { timeout: 120_000 }, async () => {
  const head = await apiAs(server.url, "head@harton.demo");
  const before = (await head.get("/api/staff")).json.length;
  const ctx = await browser.newContext(DESKTOP);
  try {
    const page = await ctx.newPage();
    await viaSchoolAccount(page, "stranger");
    await page.getByRole("heading", { name: "You are not on Doorstep's staff list" }).waitFor();
    const text = await page.locator("main").innerText();
    assert.match(text, /stranger@harton\.demo/);
    assert.match(text, /Ask the school office/);
    await shot(page, "sso-03-not-on-staff-list");
    const status = await page.evaluate(async () => (await fetch("/api/me")).status);
    assert.equal(status, 401, "not signed in");
  } finally {
    await ctx.close();
  }
  assert.equal((await head.get("/api/staff")).json.length, before, "no account was created");
});

test("an address the provider has not verified signs nobody in", { timeout: 120_000 }, async () => {
  const ctx = await browser.newContext(DESKTOP);
  try {
    const page = await ctx.newPage();
    await viaSchoolAccount(page, "unverified");
    await page.getByText("no verified e-mail address").waitFor();
    const status = await page.evaluate(async () => (await fetch("/api/me")).status);
    assert.equal(status, 401);
  } finally {
    await ctx.close();
  }
});
