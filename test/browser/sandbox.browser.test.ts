import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join('test-artifacts', 'browser');
const MAYA = 'U0MAYA0001';
const JAMAL = 'U0JAMAL001';
const AOIFE = 'U0AOIFE001';
const WAIT = 10_000;

let sandbox: Sandbox;
let context: BrowserContext;
let page: Page;
let profile: string;
let shot = 0;
let escalationId = '';

async function screenshot(step: string, on: Page = page): Promise<void> {
  shot += 1;
  await on.screenshot({ path: join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${step}.png`), animations: 'disabled' });
}

async function actAs(userId: string): Promise<void> {
  await page.click('#switcher-button');
  await page.click(`#switcher-menu [data-user="${userId}"]`);
  await page.locator('#switcher-current', { hasText: userId === MAYA ? 'Maya Patel' : 'Jamal Carter' }).waitFor({ timeout: WAIT });
}

function post(): Locator {
  return page.locator('#pane-body .message', { hasText: escalationId }).first();
}

async function command(text: string): Promise<void> {
  await page.fill('#composer-input', text);
  await page.press('#composer-input', 'Enter');
}

function ephemeral(text: string): Locator {
  return page.locator('#pane-body .message-ephemeral', { hasText: text }).last();
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`The browser tests drive Chromium at ${CHROMIUM}; install it with: apt-get install -y chromium`);
  mkdirSync(ARTIFACTS, { recursive: true });
  sandbox = await startSandbox();
  profile = mkdtempSync(join(tmpdir(), 'sandbox-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 900 },
    timezoneId: 'UTC',
  });
  page = context.pages()[0] ?? (await context.newPage());
  await page.goto(sandbox.url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: WAIT });
});

afterAll(async () => {
  await context?.close();
  await sandbox?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('the sandbox page, used as a newcomer would', () => {
  it('fires a sample escalation through the intake API and shows it in the triage channel', async () => {
    await actAs(MAYA);
    await screenshot('start');
    await page.click('#fire-more');
    await page.locator('#fire-menu [data-sample]').first().waitFor();
    await screenshot('sample-menu');
    // Sample 1: a P1 livestream case in the US market, which routes to #triage.
    await page.click('#fire-menu [data-sample="1"]');
    const header = page.locator('#pane-body .message .block-header', { hasText: 'Livestream emergency' }).first();
    await header.waitFor({ timeout: WAIT });
    escalationId = /ESC-\d+/.exec(await header.innerText())?.[0] ?? '';
    expect(escalationId).toMatch(/^ESC-\d+$/);
    expect(await post().innerText()).toContain('Open');
    expect(await post().locator('button', { hasText: 'Claim' }).count()).toBe(1);
    await screenshot('escalation-posted');
    await page.click('[data-channel="C0TEAMCHAN"]');
    await page.locator('#pane-header .pane-title', { hasText: 'escalation-team' }).waitFor();
    await screenshot('team-channel');
    await page.click('[data-channel="C0TRIAGE01"]');
    await post().waitFor({ timeout: WAIT });
  });

  it('lets one specialist claim it while another, switched to, sees it claimed', async () => {
    await post().locator('button', { hasText: 'Claim' }).click();
    await post().locator('.mrkdwn', { hasText: 'Claimed by @Maya Patel' }).waitFor({ timeout: WAIT });
    await screenshot('claimed-by-maya');

    await actAs(JAMAL);
    await post().locator('.mrkdwn', { hasText: 'Claimed by @Maya Patel' }).waitFor({ timeout: WAIT });
    // Someone else's case: the bot tells Jamal, and only Jamal, who has it.
    await post().locator('button', { hasText: 'Resolve' }).click();
    await ephemeral('Maya Patel').waitFor({ timeout: WAIT });
    expect(await ephemeral('Maya Patel').innerText()).toContain('Only visible to you');
    await screenshot('jamal-sees-it-claimed');
    await actAs(MAYA);
    expect(await page.locator('#pane-body .message-ephemeral', { hasText: 'who has this case' }).count()).toBe(0);
  });

  it('adds a note through the modal and shows it in the thread', async () => {
    await post().locator('button', { hasText: 'Add note' }).click();
    await page.locator('#modal-overlay:not([hidden]) .modal-title', { hasText: 'Add note' }).waitFor({ timeout: WAIT });
    await page.fill('#modal textarea', 'Called the streamer\'s emergency contact; local police are on the way.');
    await screenshot('note-modal');
    await page.click('#modal [data-submit]');
    await page.locator('#modal-overlay').waitFor({ state: 'hidden', timeout: WAIT });
    await post().locator('.thread-summary').waitFor({ timeout: WAIT });
    await post().locator('.block-section').first().click();
    await page.locator('#thread-body .message', { hasText: 'local police are on the way' }).waitFor({ timeout: WAIT });
    await screenshot('thread-with-note');
  });

  it('ticks a step of the SOP checklist on the post, and the thread records who ticked it', async () => {
    await post().locator('input[type="checkbox"][value="location_signal"]').check();
    await page.locator('#thread-body .message', { hasText: 'ticked “Confirm location signal' }).waitFor({ timeout: WAIT });
    await expect.poll(() => post().locator('input[type="checkbox"][value="location_signal"]').isChecked(), { timeout: WAIT }).toBe(true);
    expect(await post().locator('input[type="checkbox"][value="evidence_capture"]').isChecked()).toBe(false);
    await screenshot('checklist-ticked');
  });

  it('resolves through the modal after showing the bot\'s validation error', async () => {
    await post().locator('button', { hasText: 'Resolve' }).click();
    await page.locator('#modal-overlay:not([hidden]) .modal-title', { hasText: 'Resolve case' }).waitFor({ timeout: WAIT });
    await page.selectOption('#modal select', { label: 'Stream terminated' });
    // The livestream SOP's required steps (config/sandbox.yml), ticked in the form.
    for (const step of ['location_signal', 'evidence_capture']) await page.check(`#modal input[type="checkbox"][value="${step}"]`);
    // Blank-looking but not empty, so Slack's own required check lets it through to the bot.
    await page.fill('#modal textarea', '   ');
    await page.click('#modal [data-submit]');
    const error = page.locator('#modal .input-error', { hasText: 'need a resolution note' });
    await error.waitFor({ timeout: WAIT });
    await screenshot('resolve-validation-error');
    await page.fill('#modal textarea', 'Stream terminated; police confirmed the person is safe.');
    await page.click('#modal [data-submit]');
    await page.locator('#modal-overlay').waitFor({ state: 'hidden', timeout: WAIT });
    await post().locator('.mrkdwn', { hasText: 'Resolved by @Maya Patel — Stream terminated' }).waitFor({ timeout: WAIT });
    await page.locator('#thread-body .message', { hasText: 'police confirmed the person is safe' }).waitFor({ timeout: WAIT });
    await screenshot('resolved');
    await page.click('#thread-close');
  });

  it('answers /oncall and /oncall at … only to the person who asked', async () => {
    await command('/oncall');
    await ephemeral('Who is on call now').waitFor({ timeout: WAIT });
    const now = await ephemeral('Who is on call now').innerText();
    expect(now).toContain('Primary');
    expect(now).toContain('Only visible to you');
    await screenshot('oncall-now');

    await page.fill('#composer-input', '/onc');
    await page.locator('#suggest .suggest-item').first().waitFor();
    await screenshot('command-suggestions');
    await command('/oncall at 2026-12-25 09:00 Europe/Dublin');
    await ephemeral('Who is on call then').waitFor({ timeout: WAIT });
    const then = await ephemeral('Who is on call then').innerText();
    // The instant as asked, then in the asker's own zone: Maya is in Los Angeles.
    expect(then).toContain('25 Dec 2026 09:00');
    expect(then).toContain('Dec 25, 2026 1:00 AM your time');
    expect(then).toContain('Lead');
    await screenshot('oncall-at-christmas');
  });

  it('opens the /triage new form from a command and closes it again', async () => {
    await command('/triage new');
    await page.locator('#modal-overlay:not([hidden]) .modal-title', { hasText: 'New escalation' }).waitFor({ timeout: WAIT });
    expect(await page.locator('#modal select').count()).toBe(3);
    await page.selectOption('#modal select >> nth=0', { label: 'Self-harm' });
    await screenshot('triage-new-form');
    await page.click('#modal .modal-footer .button:not([data-submit])');
    await page.locator('#modal-overlay').waitFor({ state: 'hidden', timeout: WAIT });
  });

  it('requests a swap and has the other person approve it from their DM', async () => {
    const now = new Date();
    const shifts = await sandbox.app.rotation.shiftsOf(MAYA, now, 30);
    const next = shifts.find((shift) => shift.role === 'primary' && shift.start.getTime() > now.getTime() + 3_600_000);
    expect(next).toBeDefined();
    const middle = new Date((next!.start.getTime() + next!.end.getTime()) / 2);
    const when = new Intl.DateTimeFormat('sv-SE', { timeZone: 'America/Los_Angeles', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(middle);

    await command(`/oncall swap @jamal ${when}`);
    await ephemeral('Asked @Jamal Carter').waitFor({ timeout: WAIT });
    await screenshot('swap-requested');

    await actAs(JAMAL);
    await page.locator('[data-nav="dm"].unread').waitFor({ timeout: WAIT });
    await page.click('[data-nav="dm"]');
    const request = page.locator('#pane-body .message', { hasText: 'asks to swap' }).last();
    await request.waitFor({ timeout: WAIT });
    await screenshot('swap-request-dm');
    await request.locator('button', { hasText: 'Approve' }).click();
    await page.locator('#pane-body .message', { hasText: 'Swap approved' }).waitFor({ timeout: WAIT });
    await screenshot('swap-approved');

    await actAs(MAYA);
    await page.click('[data-nav="dm"]');
    await page.locator('#pane-body .message', { hasText: 'Swap approved' }).waitFor({ timeout: WAIT });
    await page.click('[data-nav="home"]');
    await page.locator('#pane-body .home .block-header', { hasText: 'Your next shifts' }).waitFor({ timeout: WAIT });
    await page.locator('#pane-body .home', { hasText: '(swap)' }).waitFor({ timeout: WAIT });
    await screenshot('app-home');
  });

  it('shows a toast when the bot runs into a Slack rate limit', async () => {
    await page.click(`[data-channel="C0TRIAGE01"]`);
    sandbox.double.setFaults({ rate: 1, kinds: ['429'], methods: ['chat.postMessage'] });
    await page.click('#fire-more');
    await page.click('#fire-menu [data-sample="8"]');
    await page.locator('.toast', { hasText: '429' }).first().waitFor({ timeout: WAIT });
    expect(await page.locator('#status').innerText()).toContain('429');
    await screenshot('rate-limited');
    sandbox.double.setFaults(null);
    // The outbox honours Retry-After and the post still arrives.
    await page.locator('#pane-body .message .block-header', { hasText: 'Violent threat' }).waitFor({ timeout: WAIT });
  });

  it('draws Block Kit and mrkdwn the way Slack does, dates in the viewer\'s zone', async () => {
    const plain = (text: string) => ({ type: 'plain_text' as const, text });
    const christmasMorningDublin = Date.UTC(2026, 11, 25, 9) / 1000;
    const web = new WebClient(sandbox.botToken, { slackApiUrl: sandbox.double.url, retryConfig: { retries: 0 } });
    await web.chat.postMessage({
      channel: MAYA,
      text: 'Block Kit check',
      blocks: [
        { type: 'header', text: plain('Block Kit check') },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: `*bold* _italic_ ~struck~ \`code\` <https://cases.example.com/c/1|the case> <@${JAMAL}> <#C0TRIAGE01> <!date^${christmasMorningDublin}^{date_short_pretty} {time}|2026-12-25 09:00 UTC>\n> a quoted line\nand a new line` },
          accessory: { type: 'overflow', action_id: 'demo.overflow', options: [{ text: plain('First'), value: '1' }, { text: plain('Second'), value: '2' }] },
        },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*Left*\none' }, { type: 'mrkdwn', text: '*Right*\ntwo' }] },
        { type: 'divider' },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'a context line' }] },
        {
          type: 'actions',
          elements: [
            { type: 'button', text: plain('Delete everything'), style: 'danger', action_id: 'demo.danger', value: 'x', confirm: { title: plain('Really?'), text: plain('Nothing is sent unless you confirm.'), confirm: plain('Delete'), deny: plain('Keep it') } },
            { type: 'static_select', action_id: 'demo.static', placeholder: plain('Pick one'), options: [{ text: plain('Alpha'), value: 'a' }, { text: plain('Beta'), value: 'b' }] },
            { type: 'users_select', action_id: 'demo.users', placeholder: plain('Pick a person') },
          ],
        },
      ],
    });
    await page.click('[data-nav="dm"]');
    const message = page.locator('#pane-body .message', { hasText: 'Block Kit check' }).last();
    await message.waitFor({ timeout: WAIT });
    const section = message.locator('.block-section').first();
    expect(await section.locator('b').first().innerText()).toBe('bold');
    expect(await section.locator('i').first().innerText()).toBe('italic');
    expect(await section.locator('s').first().innerText()).toBe('struck');
    expect(await section.locator('code').first().innerText()).toBe('code');
    expect(await section.locator('a[href="https://cases.example.com/c/1"]').innerText()).toBe('the case');
    expect(await section.locator('.mention').innerText()).toBe('@Jamal Carter');
    expect(await section.locator('.channel-ref').innerText()).toBe('#triage');
    // Maya is in Los Angeles: 09:00 in Dublin on Christmas morning is 1 AM for her.
    expect(await section.locator('time.slack-date').innerText()).toBe('Dec 25, 2026 1:00 AM');
    expect(await section.locator('blockquote').innerText()).toBe('a quoted line');
    expect(await message.locator('.fields .field-text').count()).toBe(2);
    expect(await message.locator('select[data-action-id="demo.static"] option').allInnerTexts()).toEqual(['Pick one', 'Alpha', 'Beta']);
    expect(await message.locator('select[data-action-id="demo.users"] option').count()).toBe(7);

    await message.locator('[data-action-id="demo.overflow"]').click();
    await message.locator('.menu:not([hidden]) .menu-item', { hasText: 'Second' }).waitFor();
    await screenshot('block-kit-overflow');
    await page.keyboard.press('Escape');
    await page.mouse.click(700, 80);
    await message.locator('button', { hasText: 'Delete everything' }).click();
    await page.locator('#confirm-overlay:not([hidden])', { hasText: 'Nothing is sent unless you confirm.' }).waitFor();
    await screenshot('block-kit-confirm');
    await page.click('#confirm .button:not([data-confirm])');
    await page.locator('#confirm-overlay').waitFor({ state: 'hidden' });
  });
});

describe('the sandbox page at 800 px wide, with SLA targets 60× faster', () => {
  let fast: Sandbox;
  let narrow: Page;

  beforeAll(async () => {
    fast = await startSandbox({ speed: 60 });
    narrow = await context.newPage();
    await narrow.setViewportSize({ width: 800, height: 700 });
    await narrow.goto(`${fast.url}/?as=${MAYA}`);
    await narrow.waitForSelector('body[data-ready="true"]', { timeout: WAIT });
  });

  afterAll(async () => {
    await narrow?.close();
    await fast?.stop();
  });

  function p0Post(): Locator {
    return narrow.locator('#pane-body .message', { hasText: 'Livestream emergency' }).first();
  }

  it('turns a P0\'s open dot red once its claim SLA is breached', async () => {
    await narrow.click('#fire-more');
    // Sample 0: a P0 livestream case in IE; its 5-minute claim target is 5 s at 60×.
    await narrow.click('#fire-menu [data-sample="0"]');
    const waiting = p0Post().locator('.mrkdwn', { hasText: 'waiting for a claim' });
    await waiting.waitFor({ timeout: WAIT });
    expect(await waiting.innerText()).toContain('🟢 Open');
    const breached = p0Post().locator('.mrkdwn', { hasText: 'claim SLA breached' });
    await breached.waitFor({ timeout: 15_000 });
    expect(await breached.innerText()).toContain('🔴 Open — claim SLA breached, still unclaimed');
    expect(await p0Post().innerText()).not.toContain('🟢');
    await screenshot('narrow-p0-breached', narrow);
  });

  it('shows the thread beside the channel, not over it, with the lead badge whole', async () => {
    await p0Post().locator('.block-section').first().click();
    await narrow.locator('#thread-body .message', { hasText: 'Claim SLA breached' }).last().waitFor({ timeout: WAIT });
    const pane = (await narrow.locator('#pane').boundingBox())!;
    const thread = (await narrow.locator('#thread').boundingBox())!;
    expect(pane.x + pane.width).toBeLessThanOrEqual(thread.x + 1);
    expect(pane.width).toBeGreaterThanOrEqual(250);
    expect(thread.x + thread.width).toBeLessThanOrEqual(800);
    // Focusing the ▾ beside the fire button once scrolled the whole sidebar sideways.
    expect(await narrow.locator('.sidebar').evaluate((node) => node.scrollLeft)).toBe(0);

    const badge = narrow.locator(`#people-list [data-person="${AOIFE}"] .lead-tag`);
    const box = (await badge.boundingBox())!;
    const row = (await narrow.locator(`#people-list [data-person="${AOIFE}"]`).boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(row.x);
    expect(box.x + box.width).toBeLessThanOrEqual(row.x + row.width);
    // Nothing covers or clips its right edge: the badge itself is what is drawn there.
    const shownThere = await badge.evaluate((node, { x, y }) => node.contains(node.ownerDocument.elementFromPoint(x, y)), { x: box.x + box.width - 2, y: box.y + box.height / 2 });
    expect(shownThere).toBe(true);
    await screenshot('narrow-thread-beside-channel', narrow);
  });

  it('shows the same time in the top bar and in the sidebar', async () => {
    const topBar = await narrow.locator('#switcher-current .switcher-zone').innerText();
    const sidebar = await narrow.locator(`#people-list [data-person="${MAYA}"] .nav-time`).innerText();
    expect(topBar).toBe(`Los Angeles · ${sidebar}`);
  });

  it('tells the lead there is nothing to review in an empty QA sample, and shows a max for time to resolve', async () => {
    await narrow.goto(`${fast.url}/?as=${AOIFE}`);
    await narrow.waitForSelector('body[data-ready="true"]', { timeout: WAIT });
    await narrow.fill('#composer-input', '/triage stats today');
    await narrow.press('#composer-input', 'Enter');
    const stats = narrow.locator('#pane-body .message-ephemeral', { hasText: 'Today so far' }).last();
    await stats.waitFor({ timeout: WAIT });
    expect(await stats.innerText()).toMatch(/Time to claim: p50 .* · max .*\nTime to resolve: p50 .* · p90 .* · max /);

    await narrow.click('[data-nav="home"]');
    const dashboard = narrow.locator('#pane-body .home', { hasText: 'Team dashboard' });
    await dashboard.waitFor({ timeout: WAIT });
    expect(await dashboard.innerText()).toContain('Nothing to review: last week\'s QA sample has no cases.');
    expect(await dashboard.innerText()).not.toContain('fully reviewed');
    await screenshot('narrow-lead-home', narrow);
  });
});

describe('the sandbox page, when a P0 page goes unanswered in Slack (60× faster)', () => {
  let fast: Sandbox;
  let phone: Page;
  let paged = '';
  let p0 = '';

  beforeAll(async () => {
    fast = await startSandbox({ speed: 60 });
    phone = await context.newPage();
    await phone.goto(`${fast.url}/?as=${AOIFE}`);
    await phone.waitForSelector('body[data-ready="true"]', { timeout: WAIT });
  });

  afterAll(async () => {
    await phone?.close();
    await fast?.stop();
  });

  /** Whoever the rotation has on call now: the first person a text reached. */
  async function firstTexted(): Promise<string> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const members = [...fast.config.teams.values()].flatMap((team) => team.members);
      const texted = members.find((member) => (fast.devices.view(member.userId).phone?.messages ?? []).some((message) => message.body.includes(p0)));
      if (texted) return texted.userId;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`nobody was texted about ${p0}`);
  }

  it('texts the paged person after their delay, then rings their phone, and pressing 1 acknowledges the page', async () => {
    await phone.click('#fire-more');
    // Sample 0: a P0 livestream case in IE; its 5-minute claim target is 5 s at 60×.
    await phone.click('#fire-menu [data-sample="0"]');
    const posted = phone.locator('#pane-body .message .block-header', { hasText: 'Livestream emergency' }).first();
    await posted.waitFor({ timeout: WAIT });
    p0 = /ESC-\d+/.exec(await posted.innerText())?.[0] ?? '';
    expect(p0).toMatch(/^ESC-\d+$/);

    paged = await firstTexted();
    await phone.goto(`${fast.url}/?as=${paged}`);
    await phone.waitForSelector('body[data-ready="true"]', { timeout: WAIT });
    await phone.click('[data-nav="devices"]');
    const text = phone.locator('.sms-theirs', { hasText: p0 }).first();
    await text.waitFor({ timeout: WAIT });
    // Only what may leave Slack: the id, priority, category and a link; never the summary.
    expect(await text.innerText()).toMatch(new RegExp(`${p0}.*P0`, 's'));
    expect(await text.innerText()).not.toContain('bridge railing');
    await screenshot('phone-text', phone);

    const ringing = phone.locator('.call-ringing').first();
    await ringing.waitFor({ timeout: 20_000 });
    expect(await ringing.innerText()).toContain('Incoming call');
    await screenshot('phone-ringing', phone);
    await ringing.locator('[data-press="1"]').click();
    await phone.locator('.call-card[data-status="completed"]').first().waitFor({ timeout: WAIT });
    const call = fast.devices.view(paged).phone?.calls.find((candidate) => candidate.status === 'completed');
    expect(call?.said).toContain('You are paged for case');
    expect(call?.digits).toBe('1');
    await screenshot('phone-acknowledged', phone);

    // The case's thread in Slack, its audit trail, says who acknowledged and by which method.
    await phone.click('[data-channel="C0TRIAGE01"]');
    const post = phone.locator('#pane-body .message', { hasText: 'Livestream emergency' }).first();
    await post.locator('.block-section').first().click();
    const acknowledged = phone.locator('#thread-body .message', { hasText: 'acknowledged the page by voice' });
    await acknowledged.waitFor({ timeout: WAIT });
    const name = [...fast.config.teams.values()].flatMap((team) => team.members).find((member) => member.userId === paged)?.name;
    expect(await phone.locator('#thread-body').innerText()).toContain(`The page reached @${name} by sms`);
    await screenshot('thread-acknowledged-by-voice', phone);

    // Acknowledged by phone, the page DM in Slack says so and keeps no live button.
    await phone.click('[data-nav="dm"]');
    const dm = phone.locator('#pane-body .message', { hasText: `Page for` }).filter({ hasText: p0 }).last();
    await dm.locator('.mrkdwn', { hasText: 'acknowledged by' }).waitFor({ timeout: WAIT });
    expect(await phone.locator('#pane-body button', { hasText: 'Acknowledge page' }).count()).toBe(0);
  });

  it('lists what the case tool received, each webhook signed and verified', async () => {
    await phone.click('[data-nav="devices"]');
    const created = phone.locator('.deliveries tr[data-event="created"]', { hasText: p0 });
    await created.waitFor({ timeout: WAIT });
    await phone.locator('.deliveries tr[data-event="breached"]', { hasText: p0 }).first().waitFor({ timeout: WAIT });
    expect(await created.locator('.verified').innerText()).toContain('verified');
    expect(await phone.locator('.deliveries .refused').count()).toBe(0);
    await screenshot('case-tool', phone);
  });
});
