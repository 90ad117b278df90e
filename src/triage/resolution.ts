import type { Category } from '../roster/types.js';

/** Every problem with a resolution, in the words the resolve modal shows; empty when it may go ahead. */
export function validateResolution(category: Category, outcome: string | undefined, note: string | undefined): string[] {
  const problems: string[] = [];
  if (!outcome || !category.outcomes.some((candidate) => candidate.id === outcome)) {
    problems.push(`Choose an outcome: ${category.outcomes.map((candidate) => candidate.label).join(', ')}.`);
  }
  if (category.requireResolutionNote && !note?.trim()) {
    problems.push(`${category.label} cases need a resolution note (what was done, report numbers).`);
  }
  return problems;
}
