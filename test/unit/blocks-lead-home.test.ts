import { describe, expect, it } from 'vitest';
import { renderLeadDashboard, type LeadDashboard } from '../../src/blocks/lead-home.js';
import { computeKpis } from '../../src/triage/kpis.js';
import { validateBlocks } from '../support/slack-double.js';
import { CREATED } from './fixtures.js';

const DAY = { from: new Date('2026-12-25T00:00:00.000Z'), to: new Date('2026-12-26T00:00:00.000Z') };

function dashboard(qa: Pick<LeadDashboard, 'qaSampled' | 'qaToReview'>): string {
  const blocks = renderLeadDashboard({
    teamName: 'Emergency Escalations',
    now: CREATED,
    open: [],
    onBreak: new Map(),
    today: computeKpis([], DAY, { sensitiveCategories: new Set(), now: CREATED }),
    exposure: [],
    categories: new Map(),
    ...qa,
  });
  expect(validateBlocks(blocks, 'home')).toEqual([]);
  return JSON.stringify(blocks);
}

describe('the lead dashboard\'s QA line', () => {
  it('says there is nothing to review when last week\'s sample is empty', () => {
    const drawn = dashboard({ qaSampled: 0, qaToReview: 0 });
    expect(drawn).toContain('Nothing to review: last week\'s QA sample has no cases.');
    expect(drawn).not.toContain('fully reviewed');
  });

  it('says the sample is fully reviewed only when it had cases and all are reviewed', () => {
    expect(dashboard({ qaSampled: 3, qaToReview: 0 })).toContain('Last week\'s QA sample is fully reviewed.');
  });

  it('counts what is left to review', () => {
    expect(dashboard({ qaSampled: 3, qaToReview: 2 })).toContain('2 cases in last week\'s QA sample to review');
  });
});
