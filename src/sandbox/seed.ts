import { randomBytes } from 'node:crypto';
import { DEFAULT_RATE_LIMIT, type IntakeToken } from '../access/tokens.js';
import type { AppConfig } from '../config/schema.js';
import type { Member } from '../roster/types.js';
import { SAMPLE_ESCALATIONS, sampleBody } from './samples.js';
import { DOUBLE_BOT_USER_ID, type SlackDouble } from '../../slack-double/index.js';

/** Names for the channel ids of config/sandbox.yml; any other id is shown as Slack would show an unknown one. */
export const SANDBOX_CHANNEL_NAMES: Readonly<Record<string, string>> = {
  C0TRIAGE01: 'triage',
  C0TRIAGEJP: 'triage-jp',
  C0CHILDSAF: 'triage-child-safety',
  C0TEAMCHAN: 'escalation-team',
};
const SANDBOX_USERGROUP_HANDLES: Readonly<Record<string, string>> = { S0ONCALL01: 'triage-oncall' };

const ZONE_COUNTRY: Readonly<Record<string, string>> = {
  'Europe/Dublin': 'IE',
  'Europe/London': 'GB',
  'America/New_York': 'US',
  'America/Chicago': 'US',
  'America/Denver': 'US',
  'America/Los_Angeles': 'US',
  'Asia/Singapore': 'SG',
  'Asia/Tokyo': 'JP',
};

export interface SandboxChannel {
  id: string;
  name: string;
  kind: 'team' | 'triage';
}

/** A roster member as the page's switcher and people list show them. */
export interface SandboxPerson {
  id: string;
  handle: string;
  name: string;
  timeZone: string;
  country: string | null;
  lead: boolean;
  languages: string[];
}

/** The demo workspace as the stand-in knows it: who is in it, which channels, and how to name them. */
export interface SandboxWorkspace {
  members: Member[];
  channels: SandboxChannel[];
  people: SandboxPerson[];
  /** The member the page acts as first: a specialist, so the lead's extra powers are something to switch to. */
  defaultUser: string | undefined;
  /** The Slack handle of a user id, as a command's `user_name` and an `@` mention carry it. */
  handleOf(userId: string): string;
  /** The user id behind a handle typed after `@`, if it is someone in the workspace. */
  userIdOfHandle(handle: string): string | undefined;
  usergroupHandle(usergroupId: string): string;
}

/** A Slack-like handle from a roster name: "Wei Lin Tan" → "weilin", "Seán Murphy" → "sean". */
function handleFromName(name: string, fallback: string): string {
  const words = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9 ]/g, '').split(/\s+/).filter(Boolean);
  const given = words.length > 1 ? words.slice(0, -1).join('') : words[0];
  return given || fallback.toLowerCase();
}

/** Puts every roster member, the bot and every channel the config names into the stand-in. */
export function seedWorkspace(double: SlackDouble, config: AppConfig): SandboxWorkspace {
  const members = [...new Map([...config.teams.values()].flatMap((team) => team.members.map((member) => [member.userId, member] as const))).values()];
  const handles = new Map<string, string>();
  for (const member of members) {
    let handle = handleFromName(member.name ?? '', member.userId);
    while ([...handles.values()].includes(handle)) handle += '2';
    handles.set(member.userId, handle);
    double.setUser({ id: member.userId, name: handle, realName: member.name ?? handle, tz: member.timeZone ?? 'UTC', email: `${handle}@example.com` });
  }
  double.setUser({ id: DOUBLE_BOT_USER_ID, name: 'escalation-bot', realName: 'Escalation Bot', isBot: true });

  const channels: SandboxChannel[] = [];
  const addChannel = (id: string | undefined, kind: SandboxChannel['kind']) => {
    if (!id || channels.some((channel) => channel.id === id)) return;
    const name = SANDBOX_CHANNEL_NAMES[id] ?? `channel-${id.toLowerCase()}`;
    channels.push({ id, name, kind });
    double.setChannel({ id, name });
  };
  // Team channels first: the sidebar lists channels in this order.
  for (const team of config.teams.values()) addChannel(team.teamChannel, 'team');
  for (const team of config.teams.values()) addChannel(team.channel, 'triage');
  for (const route of config.routes) addChannel(route.channel, 'triage');

  const handleOf = (userId: string) => handles.get(userId) ?? `user.${userId.toLowerCase()}`;
  return {
    members,
    channels,
    people: members.map((member) => ({
      id: member.userId,
      handle: handleOf(member.userId),
      name: member.name ?? handleOf(member.userId),
      timeZone: member.timeZone ?? 'UTC',
      country: ZONE_COUNTRY[member.timeZone ?? ''] ?? null,
      lead: member.roles.includes('lead'),
      languages: member.languages,
    })),
    defaultUser: members.find((member) => !member.roles.includes('lead'))?.userId ?? members[0]?.userId,
    handleOf,
    userIdOfHandle: (handle) => [...handles.entries()].find(([, candidate]) => candidate === handle.toLowerCase())?.[0],
    usergroupHandle: (usergroupId) => SANDBOX_USERGROUP_HANDLES[usergroupId] ?? usergroupId.toLowerCase(),
  };
}

/** The sample cases and the intake tokens their source systems send them with. */
export interface SampleCases {
  intakeTokens: IntakeToken[];
  /** The token `curl` can use against the sandbox's intake API: the source of the first sample. */
  exampleToken: IntakeToken;
  /** POSTs one sample to the intake API as its source system would; a random one without an index. */
  fire(botUrl: string, index?: number): Promise<{ ok: boolean; status?: number; escalation?: Record<string, unknown>; error?: string }>;
}

export function seedSampleCases(): SampleCases {
  // A named, scoped token per sample source, as a real deployment gives each source system its own.
  const intakeTokens: IntakeToken[] = [...new Set(SAMPLE_ESCALATIONS.map((sample) => sample.source))].map((name) => ({
    name,
    secret: randomBytes(24).toString('hex'),
    scopes: new Set(['create', 'read'] as const),
    rateLimit: DEFAULT_RATE_LIMIT,
    legacy: false,
  }));
  const tokenOf = (source: string) => intakeTokens.find((token) => token.name === source)!;
  return {
    intakeTokens,
    exampleToken: tokenOf(SAMPLE_ESCALATIONS[0]!.source),
    async fire(botUrl, index = Math.floor(Math.random() * SAMPLE_ESCALATIONS.length)) {
      const sample = SAMPLE_ESCALATIONS[index];
      if (!sample) return { ok: false, error: `no sample ${index}` };
      const response = await fetch(`${botUrl}/api/v1/escalations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokenOf(sample.source).secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(sampleBody(sample, new Date())),
      });
      const escalation = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
      return { ok: response.status === 201 || response.status === 200, status: response.status, escalation };
    },
  };
}
