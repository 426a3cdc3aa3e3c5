// Signs in to the dashboard in headless Chromium, reports the event count of a boundary, waits until the count
// changes (the calling test saves events when it reads "SEEN"), and takes a screenshot.
// Usage: node dashboard.mjs <dashboard url> <username> <password> <boundary> <screenshot path> <profile dir>
// Exit code 0 when the change was seen; the failure otherwise goes to stderr.
import { chromium } from "playwright-core";
import { createInterface } from "node:readline";

const [url, username, password, boundary, screenshot, profile] = process.argv.slice(2);
const lines = createInterface({ input: process.stdin });
const nextLine = () => new Promise((resolve) => lines.once("line", resolve));

const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 1400, height: 1000 },
});
try {
  const page = context.pages()[0] || await context.newPage();
  await page.goto(url);
  await page.fill("#username", username);
  await page.fill("#password", "wrong-" + password);
  await page.click("#signin");
  await page.waitForFunction(() => document.getElementById("login-error").textContent.length > 0);
  console.log("REJECTED " + await page.textContent("#login-error"));
  await page.fill("#password", password);
  await page.click("#signin");
  const cell = `#boundaries tr[data-boundary="${boundary}"] td.events`;
  await page.waitForSelector(cell, { timeout: 60000 });
  const before = Number(await page.textContent(cell));
  console.log("SEEN " + before);
  await nextLine();
  await page.waitForFunction(([selector, old]) => {
    const el = document.querySelector(selector);
    return el && Number(el.textContent) !== old;
  }, [cell, before], { timeout: 60000, polling: 250 });
  const after = Number(await page.textContent(cell));
  await page.selectOption("#tail-boundary", boundary);
  await page.waitForSelector("#tail tbody tr td.data", { timeout: 60000 });
  await page.waitForTimeout(2500);
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log("CHANGED " + after);
} finally {
  await context.close();
  lines.close();
}
