// Starts the real `doorstep demo` binary on a free port with a fresh data folder, and talks to
// its JSON API the way any client would.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { shiftedClock } from "./clock.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BINARY = process.env.DOORSTEP_BIN || join(ROOT, "target", "debug", "doorstep");
export const PASSWORD = "doorstep-demo";

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts `doorstep demo`; `port` (default: a free one) and extra `env` settings are optional. */
export async function startServer({ port, env = {} } = {}) {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: run cargo build -p doorstep first`);
  const dataDir = mkdtempSync(join(tmpdir(), "doorstep-e2e-"));
  port ??= await freePort();
  const startedAt = Date.now();
  const child = spawn(BINARY, ["demo", "--data-dir", dataDir, "--port", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
    // The address the browser opens, as a school sets it: links Doorstep writes start with it.
    env: {
      ...process.env,
      RUST_LOG: process.env.RUST_LOG || "warn",
      DOORSTEP_PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...env,
    },
  });
  let log = "";
  child.stdout.on("data", (d) => { log += d; });
  child.stderr.on("data", (d) => { log += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`doorstep exited early:\n${log}`);
    try {
      const res = await fetch(`${url}/login`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill("SIGKILL"); throw new Error(`doorstep did not start:\n${log}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  if (env.DOORSTEP_CLOCK_START) shiftedClock(url, env.DOORSTEP_CLOCK_START, startedAt);
  return {
    url,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((r) => { child.once("exit", r); setTimeout(r, 5000); });
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A JSON API client signed in as one demo person. */
export async function apiAs(url, email) {
  const res = await fetch(`${url}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`login ${email}: ${res.status}`);
  const cookie = res.headers.get("set-cookie").split(";")[0];
  const me = await res.json();
  const call = async (method, path, body) => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: { cookie, "content-type": "application/json", accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = text; }
    return { status: r.status, json };
  };
  return {
    me,
    cookie,
    get: (p) => call("GET", p),
    post: (p, b = {}) => call("POST", p, b),
    put: (p, b) => call("PUT", p, b),
  };
}

/** Harton's policy with a one-minute check-in, no grace, and a ladder that starts at once. */
export async function shortCheckIns(url) {
  const head = await apiAs(url, "head@harton.demo");
  const school = head.me.school_id;
  const current = await head.get(`/api/schools/${school}/policy`);
  const settings = current.json.settings;
  settings.check_in.interval_minutes = 1;
  settings.check_in.grace_minutes = 0;
  settings.check_in.remind_before_minutes = 0;
  settings.escalation = settings.escalation.map((level, i) => ({ ...level, after_minutes: i }));
  await changeHartonPolicy(url, settings, "End-to-end test: check in every minute");
  return school;
}

/** Harton's head proposes `settings` and the chair of governors approves them, in force today. */
export async function changeHartonPolicy(url, settings, change_note) {
  const head = await apiAs(url, "head@harton.demo");
  const r = await head.put(`/api/schools/${head.me.school_id}/policy`, { settings, change_note });
  if (r.status !== 201) throw new Error(`policy change: ${r.status} ${JSON.stringify(r.json)}`);
  const chair = await apiAs(url, "chair@harton.demo");
  const a = await chair.post(`/api/policy-drafts/${r.json.draft.id}/approve`, {});
  if (a.status !== 200) throw new Error(`policy approval: ${a.status} ${JSON.stringify(a.json)}`);
}

/** Plans, requests and authorises a visit through the API; optionally signs it out. */
export async function visitThroughApi(url, { pupil = "Ava Smith", signOut = true, request = true, authorise = true } = {}) {
  const teacher = await apiAs(url, "teacher@harton.demo");
  const staff = (await teacher.get("/api/staff")).json;
  const byEmail = (e) => staff.find((s) => s.email === e).id;
  const pupils = (await teacher.get("/api/pupils")).json;
  const p = pupils.find((x) => x.name === pupil);
  const at = (mins) => new Date(Date.now() + mins * 60_000).toISOString();
  const created = await teacher.post("/api/visits", {
    pupil_id: p.id,
    reason_category: "attendance_concern",
    purpose: "Talk about attendance",
    parents_could_come_in: false,
    appointment: { kind: "agreed", agenda: "Attendance" },
    planned_leave_school: at(1),
    planned_arrive: at(15),
    planned_leave_property: at(60),
    planned_return: at(75),
    returns_to: "school",
    visitors: [
      { staff_id: teacher.me.id, role_on_visit: "Class teacher" },
      { staff_id: byEmail("liaison@harton.demo"), role_on_visit: "Family liaison officer" },
    ],
    buddy_staff_id: byEmail("dsl@harton.demo"),
    code_word: "bluebell",
  });
  if (created.status !== 201) throw new Error(`create visit: ${JSON.stringify(created.json)}`);
  const id = created.json.visit.id;
  if (!request) return { id, householdId: p.household_id, pupilId: p.id };
  const req = await teacher.post(`/api/visits/${id}/request`);
  if (req.status !== 200) throw new Error(`request: ${JSON.stringify(req.json)}`);
  if (!authorise) return { id, householdId: p.household_id, pupilId: p.id };
  const head = await apiAs(url, "head@harton.demo");
  const household = (await head.get(`/api/households/${p.household_id}`)).json;
  const ok = await head.post(`/api/visits/${id}/authorise`, {
    comment: "Fine",
    acknowledge_cautions: household.caution_flags.map((c) => c.id),
  });
  if (ok.status !== 200) throw new Error(`authorise: ${JSON.stringify(ok.json)}`);
  if (signOut) {
    const out = await teacher.post(`/api/visits/${id}/sign-out`);
    if (out.status !== 200) throw new Error(`sign out: ${JSON.stringify(out.json)}`);
  }
  return { id, householdId: p.household_id, pupilId: p.id, teacher };
}
