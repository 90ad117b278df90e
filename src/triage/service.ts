/**
 * The triage domain's one entry point for handlers and jobs. Each use case lives in its own file
 * and reads once, decides purely, then applies:
 * - case-intake.ts: taking cases in and arming them;
 * - lifecycle.ts: claim, release, offers, notes, resolve, QA, reopen;
 * - paging-service.ts: SLA timers, pages by hand, hand-on, acknowledgements;
 * - wellbeing-care.ts: exposure, breaks, who is free to be paged;
 * - checklist-service.ts: ticking a category's SOP checklist;
 * - obligation-service.ts: a case's legal and policy clocks, which outlive its resolution.
 * case-context.ts holds what they share: reading a case and the guarded transition loop.
 */
import { CaseContext } from './case-context.js';
import { CaseChecklist } from './checklist-service.js';
import { CaseIntake } from './case-intake.js';
import { CaseLifecycle } from './lifecycle.js';
import { CaseObligations } from './obligation-service.js';
import { CaseLegalHold } from './legal-hold.js';
import { CasePaging } from './paging-service.js';
import type { TriageConfig, TriageDeps } from './triage-deps.js';
import { WellbeingCare } from './wellbeing-care.js';

export class TriageService {
  readonly intake: CaseIntake['intake'];
  readonly intakeFromSlack: CaseIntake['intakeFromSlack'];
  readonly arm: CaseIntake['arm'];
  readonly armNewEscalation: CaseIntake['armNewEscalation'];

  readonly get: CaseContext['get'];
  readonly team: CaseContext['team'];
  readonly category: CaseContext['category'];

  readonly viewFor: CaseLifecycle['viewFor'];
  readonly noteContext: CaseLifecycle['noteContext'];
  readonly workContext: CaseLifecycle['workContext'];
  readonly listOpenFor: CaseLifecycle['listOpenFor'];
  readonly claim: CaseLifecycle['claim'];
  readonly release: CaseLifecycle['release'];
  readonly offer: CaseLifecycle['offer'];
  readonly acceptOffer: CaseLifecycle['acceptOffer'];
  readonly declineOffer: CaseLifecycle['declineOffer'];
  readonly addNote: CaseLifecycle['addNote'];
  readonly resolve: CaseLifecycle['resolve'];
  readonly recordQaReview: CaseLifecycle['recordQaReview'];
  readonly reopen: CaseLifecycle['reopen'];
  readonly setChecklist: CaseChecklist['setChecklist'];

  readonly syncObligations: CaseObligations['sync'];
  readonly fireObligation: CaseObligations['fire'];
  readonly obligationContext: CaseObligations['recordContext'];
  readonly recordObligation: CaseObligations['record'];
  readonly decideObligation: CaseObligations['decide'];
  readonly obligationsDueFor: CaseObligations['dueFor'];
  readonly sweepObligations: CaseObligations['sweep'];
  readonly placeHold: CaseLegalHold['placeHold'];
  readonly releaseHold: CaseLegalHold['releaseHold'];

  readonly fireTimer: CasePaging['fireTimer'];
  readonly handOn: CasePaging['handOn'];
  readonly pageBackup: CasePaging['pageBackup'];
  readonly escalateToLead: CasePaging['escalateToLead'];
  readonly acknowledgePage: CasePaging['acknowledgePage'];
  readonly recordNotified: CasePaging['recordNotified'];
  readonly recordNotificationFailed: CasePaging['recordNotificationFailed'];

  readonly exposure: WellbeingCare['exposure'];
  readonly startBreak: WellbeingCare['startBreak'];
  readonly endBreak: WellbeingCare['endBreak'];
  readonly onBreak: WellbeingCare['onBreak'];
  readonly available: WellbeingCare['available'];

  constructor(private readonly deps: TriageDeps) {
    const cases = new CaseContext(deps);
    const care = new WellbeingCare(deps);
    const intake = new CaseIntake(deps, cases);
    const lifecycle = new CaseLifecycle(deps, cases, care);
    const paging = new CasePaging(deps, cases, care);

    this.intake = intake.intake.bind(intake);
    this.intakeFromSlack = intake.intakeFromSlack.bind(intake);
    this.arm = intake.arm.bind(intake);
    this.armNewEscalation = intake.armNewEscalation.bind(intake);

    this.get = cases.get.bind(cases);
    this.team = cases.team.bind(cases);
    this.category = cases.category.bind(cases);

    this.viewFor = lifecycle.viewFor.bind(lifecycle);
    this.noteContext = lifecycle.noteContext.bind(lifecycle);
    this.workContext = lifecycle.workContext.bind(lifecycle);
    this.listOpenFor = lifecycle.listOpenFor.bind(lifecycle);
    this.claim = lifecycle.claim.bind(lifecycle);
    this.release = lifecycle.release.bind(lifecycle);
    this.offer = lifecycle.offer.bind(lifecycle);
    this.acceptOffer = lifecycle.acceptOffer.bind(lifecycle);
    this.declineOffer = lifecycle.declineOffer.bind(lifecycle);
    this.addNote = lifecycle.addNote.bind(lifecycle);
    this.resolve = lifecycle.resolve.bind(lifecycle);
    this.recordQaReview = lifecycle.recordQaReview.bind(lifecycle);
    this.reopen = lifecycle.reopen.bind(lifecycle);
    const checklist = new CaseChecklist(deps, cases);
    this.setChecklist = checklist.setChecklist.bind(checklist);
    const obligations = new CaseObligations(deps, cases);
    this.syncObligations = obligations.sync.bind(obligations);
    this.fireObligation = obligations.fire.bind(obligations);
    this.obligationContext = obligations.recordContext.bind(obligations);
    this.recordObligation = obligations.record.bind(obligations);
    this.decideObligation = obligations.decide.bind(obligations);
    this.obligationsDueFor = obligations.dueFor.bind(obligations);
    this.sweepObligations = obligations.sweep.bind(obligations);
    const hold = new CaseLegalHold(deps, cases);
    this.placeHold = hold.placeHold.bind(hold);
    this.releaseHold = hold.releaseHold.bind(hold);

    this.fireTimer = paging.fireTimer.bind(paging);
    this.handOn = paging.handOn.bind(paging);
    this.pageBackup = paging.pageBackup.bind(paging);
    this.escalateToLead = paging.escalateToLead.bind(paging);
    this.acknowledgePage = paging.acknowledgePage.bind(paging);
    this.recordNotified = paging.recordNotified.bind(paging);
    this.recordNotificationFailed = paging.recordNotificationFailed.bind(paging);

    this.exposure = care.exposure.bind(care);
    this.startBreak = care.startBreak.bind(care);
    this.endBreak = care.endBreak.bind(care);
    this.onBreak = care.onBreak.bind(care);
    this.available = care.available.bind(care);
  }

  get config(): TriageConfig {
    return this.deps.config;
  }
}
