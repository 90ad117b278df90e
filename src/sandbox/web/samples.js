// Sample escalations: sent through the bot's real intake API, as a source system would.

import { $, closeMenus, el } from './dom.js';
import { S, api } from './state.js';
import { toast } from './status.js';

const PRIORITY_CLASS = { P0: 'p0', P1: 'p1', P2: 'p2', P3: 'p3' };
let nextSample = 0;

async function fire(index) {
  const sample = S.boot.samples[index];
  const result = await api('escalate', { sample: index });
  if (result.ok && result.escalation) {
    toast('info', `Intake API → ${result.status} · ${result.escalation.id} (${result.escalation.priority})`, `${sample.categoryLabel} · ${sample.market}. The bot posts it to the channel its route names.`);
  } else {
    toast('error', `Intake API → ${result.status ?? 'error'}`, JSON.stringify(result.escalation ?? result.error ?? result));
  }
}

function renderFireMenu() {
  const menu = $('fire-menu');
  menu.replaceChildren(
    el('div', { class: 'menu-heading' }, 'Sample escalations (POST /api/v1/escalations)'),
    ...S.boot.samples.map((sample) =>
      el('button', { type: 'button', class: 'menu-item sample', role: 'menuitem', 'data-sample': sample.index, onclick: () => { menu.hidden = true; fire(sample.index); } },
        el('span', { class: `priority priority-${PRIORITY_CLASS[sample.priority]}` }, sample.priority),
        el('span', { class: 'sample-text' }, el('span', { class: 'sample-title' }, `${sample.categoryLabel} · ${sample.market}`), el('span', { class: 'sample-summary' }, sample.summary))),
    ),
  );
}

/** The sidebar's ⚡ button fires the samples in turn; its ▾ opens a menu of all of them. */
export function wireSamples() {
  renderFireMenu();
  $('fire-button').addEventListener('click', () => {
    fire(nextSample);
    nextSample = (nextSample + 1) % S.boot.samples.length;
  });
  $('fire-more').addEventListener('click', (event) => {
    event.stopPropagation();
    const menu = $('fire-menu');
    closeMenus(menu);
    // Fixed, not absolute: the sidebar scrolls and would clip a menu wider than itself.
    const anchor = $('fire-button').getBoundingClientRect();
    menu.style.left = `${anchor.left}px`;
    menu.style.top = `${anchor.bottom + 6}px`;
    menu.hidden = !menu.hidden;
  });
}
