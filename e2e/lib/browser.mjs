// Debian's Chromium driven by playwright-core: no browser download, ever.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { createHmac } from "node:crypto";
import { serverNow } from "./clock.mjs";

export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "..", "artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export const DESKTOP = { viewport: { width: 1280, height: 900 } };
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  userAgent: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
};

export async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Signs in with the demo password, then (unless `secondFactor: false`) types the second factor (see {@link stepUp}). */
export async function signIn(page, url, email, { secondFactor = true } = {}) {
  await page.goto(`${url}/login`);
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password").fill("doorstep-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  if (secondFactor) {
    await stepUp(page, url, email);
    await page.goto(`${url}/`);
  }
}

const require = createRequire(import.meta.url);
export const AXE_PATH = require.resolve("axe-core/axe.min.js");

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeProblems(page) {
  await page.addScriptTag({ path: AXE_PATH });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
  });
  return result.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/**
 * The authenticator app's side of RFC 6238 (HMAC-SHA-1, 6 digits, 30-second steps) for a base32
 * secret (RFC 4648), at `atMs` (milliseconds since 1970).
 */
export function totp(secretBase32, atMs = Date.now()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secretBase32.replace(/=+$/, "").toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 1000 / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, "0");
}

/** The authenticators of the people enrolled by {@link stepUp}, by server and e-mail address. */
const authenticators = new Map();

/**
 * Types the second factor on the code page as the signed-in person, setting up their
 * authenticator the first time, so pages with safeguarding history open. A TOTP code is taken
 * once per 30 seconds, so a second step-up in the same 30 seconds uses a recovery code.
 */
export async function stepUp(page, url, email) {
  const key = `${url} ${email}`;
  await page.goto(`${url}/me/second-factor`);
  const setUp = page.getByRole("button", { name: "Set up an authenticator" });
  if (await setUp.count()) {
    await setUp.click();
    const secret = (await page.locator(".totp-secret").textContent()).trim();
    await page.getByLabel("The 6-digit code the app shows now").fill(totp(secret, serverNow(url)));
    await page.getByRole("button", { name: "Finish setting up" }).click();
    await page.getByRole("heading", { name: "Your recovery codes" }).waitFor();
    const codes = await page.locator(".recovery-codes code").allTextContents();
    authenticators.set(key, { secret, step: Math.floor(serverNow(url) / 30_000), codes });
    return;
  }
  const a = authenticators.get(key);
  if (!a) throw new Error(`${email} has an authenticator this test did not set up`);
  const step = Math.floor(serverNow(url) / 30_000);
  let code;
  if (step > a.step) { a.step = step; code = totp(a.secret, serverNow(url)); }
  else if (a.codes.length) code = a.codes.shift();
  else {
    await new Promise((r) => setTimeout(r, 30_000 - (serverNow(url) % 30_000) + 50));
    a.step = Math.floor(serverNow(url) / 30_000);
    code = totp(a.secret, serverNow(url));
  }
  await page.getByLabel("Code", { exact: true }).fill(code);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/me/second-factor"));
}
