import { centsToUsd, sumCents } from './pricing/money';
import type { Recommendation, RunResult } from './types';
import type { ToolFailure } from './agent-run';
import type { DraftRecommendation, Drafts } from './recommendations';

/** At most this many recommendations reach the answer: the largest savings, so the text stays readable. */
export const MAX_RECOMMENDATIONS = 10;

/** What a run has established so far; a cancelled or partial run answers with it. */
export class Findings {
  spendCents: number | null = null;
  modelNames: string[] = [];
  readonly notApplicable: string[] = [];
  /** What was added, in order: with frozen drafts, the identity of what the findings are made of (FrozenMemo keys). */
  readonly sources: Drafts[] = [];
  private readonly drafts = new Map<string, DraftRecommendation>();
  /** {@link selected} since the last {@link add} (the answer asks for it several times). */
  private selection: readonly DraftRecommendation[] | undefined;

  add(found: Drafts): void {
    const { drafts, notApplicable } = found;
    this.sources.push(found);
    for (const d of drafts) this.drafts.set(d.id, d);
    this.notApplicable.push(...notApplicable);
    this.selection = undefined;
  }

  /** The recommendations of the answer: largest saving first (ties by id, for determinism), at most the cap. */
  selected(): DraftRecommendation[] {
    this.selection ??= [...this.drafts.values()]
      .filter((d) => d.cents > 0)
      .sort((a, b) => b.cents - a.cents || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, MAX_RECOMMENDATIONS);
    return [...this.selection];
  }

  /** Sum of the selected recommendations, in integer cents: exactly what the total in the result says. */
  totalCents(): number {
    return sumCents(this.selected().map((d) => d.cents));
  }

  toResult(): RunResult {
    const recommendations: Recommendation[] = this.selected().map((d) => ({
      id: d.id,
      title: d.title,
      category: d.category,
      model: d.model,
      estimated_monthly_savings_usd: centsToUsd(d.cents),
    }));
    return {
      currency: 'USD',
      ...(this.spendCents === null ? {} : { current_monthly_spend_usd: centsToUsd(this.spendCents) }),
      recommendations,
      total_estimated_monthly_savings_usd: centsToUsd(this.totalCents()),
    };
  }
}

/** A failure as one clause of the answer. */
export function describeFailure(failure: ToolFailure): string {
  return `${failure.tool} failed (${failure.code}: ${failure.message})`;
}
