/**
 * Thrown by a scenario body that finds, at run time, nothing it can check
 * (e.g. no workload pods to audit). The wrapper reports a skip with the reason.
 */
export class SkipScenario extends Error {
  override name = 'SkipScenario';
}
