import { randomBytes } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { parseDuration } from './duration.ts';
import { labelSelectorProblem } from './label-selector.ts';
import { patternProblem } from './selection.ts';

/** The most scenarios a run lets run at once. */
export const MAX_CONCURRENCY = 32;

export const PROVIDERS = ['local', 'kind', 'existing'] as const;
export const PROFILES = ['local', 'kind', 'tkg', 'generic'] as const;
export const MODES = ['quick', 'non-disruptive', 'full'] as const;
export const MULTUS_INSTALLS = ['auto', 'never', 'thin', 'thick', 'tanzu'] as const;

export type ProviderName = (typeof PROVIDERS)[number];
export type Profile = (typeof PROFILES)[number];
export type Mode = (typeof MODES)[number];

/** Defaults shown in `--help`; the schema below is the one place that applies them. */
export const DEFAULTS = {
  provider: 'local',
  timeoutSeconds: 300,
  reportDir: 'reports',
  multusInstall: 'auto',
  tanzuNamespace: 'tanzu-cli-managed-packages',
  kindClusterName: 'multus-conformance',
  // health/thin-kubeconfig: the thin plugin's token must stay valid at least this long (a day: time to act before it breaks pods).
  tokenMarginSeconds: 86400,
  // One control plane and two workers: cross-node and per-worker scenarios need two workers.
  kindNodes: 3,
} as const;

export const PROFILE_FOR_PROVIDER: Record<ProviderName, Profile> = { local: 'local', kind: 'kind', existing: 'generic' };
// A cluster the suite did not create is someone's workload cluster: only the
// non-disruptive scenarios run there unless asked otherwise.
export const MODE_FOR_PROVIDER: Record<ProviderName, Mode> = { local: 'full', kind: 'full', existing: 'non-disruptive' };

export function generateRunId(): string {
  return randomBytes(4).toString('hex');
}

// Run ids end up in namespace names (`mc-<run-id>-<slug>`) and label values.
export const RunIdSchema = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,14}[a-z0-9])?$/, 'must be 1-16 lowercase letters, digits or "-", starting and ending alphanumeric');

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a DNS-1123 label');

const ipAddress = z
  .string()
  .refine((s) => ipaddr.IPv4.isValidFourPartDecimal(s) || ipaddr.IPv6.isValid(s), 'must be an IPv4 or IPv6 address');

const cidr = z
  .string()
  .refine((s) => ipaddr.IPv4.isValidCIDRFourPartDecimal(s) || ipaddr.IPv6.isValidCIDR(s), 'must be a CIDR such as 192.168.1.0/24');

const ifaceName = z.string().regex(/^[^\s/:]{1,15}$/, 'must be a kernel interface name (1-15 characters, no "/", ":" or spaces)');

const testPattern = z.string().superRefine((p, ctx) => {
  const problem = patternProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const labelSelector = z.string().superRefine((s, ctx) => {
  const problem = labelSelectorProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: `must be a label selector such as "pool=multus": ${problem}` });
});

const seconds = z.union([
  z.number().int().positive(),
  z.string().transform((s, ctx) => {
    try {
      return parseDuration(s);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : String(e) });
      return z.NEVER;
    }
  }),
]);

const path = z.string().min(1);

const TanzuSchema = z.strictObject({
  version: z.string().min(1),
  valuesFile: path.optional(),
  namespace: z.string().min(1).default(DEFAULTS.tanzuNamespace),
});

// `namespace/name`: the Multus DaemonSet when several run Multus.
export const DaemonSetRefSchema = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\/[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be namespace/name of a DaemonSet, e.g. kube-system/kube-multus-ds');

const MultusSchema = z.strictObject({
  install: z.enum(MULTUS_INSTALLS).default(DEFAULTS.multusInstall),
  tanzu: TanzuSchema.optional(),
  daemonSet: DaemonSetRefSchema.optional(),
  tokenMargin: seconds.default(DEFAULTS.tokenMarginSeconds),
});

const NetworkSchema = z.strictObject({
  master: ifaceName.optional(),
  subnet: cidr.optional(),
  rangeStart: ipAddress.optional(),
  rangeEnd: ipAddress.optional(),
  gateway: ipAddress.optional(),
  // The scale scenario's own subnet on the same segment (scale/pods, --scale N):
  // its two NADs take consecutive ranges from scaleRangeStart..scaleRangeEnd.
  // On a cluster the suite did not create it runs only when this is set (here
  // or in the profile).
  scaleSubnet: cidr.optional(),
  scaleRangeStart: ipAddress.optional(),
  scaleRangeEnd: ipAddress.optional(),
  // ipv6/* (IPv6 is off unless configured, here or in the profile): an IPv6
  // subnet on the master's segment, its gateway (the IPv6 external host, if
  // any) and the range the scenarios split; ipv6/dual-stack's IPv4 half gets
  // a range of its own, clear of every other on the segment.
  ipv6Subnet: cidr.optional(),
  ipv6Gateway: ipAddress.optional(),
  ipv6RangeStart: ipAddress.optional(),
  ipv6RangeEnd: ipAddress.optional(),
  dualStackSubnet: cidr.optional(),
  dualStackRangeStart: ipAddress.optional(),
  dualStackRangeEnd: ipAddress.optional(),
  // The nodes that should carry the master (TKG node pools): the run is narrowed to them.
  nodeSelector: labelSelector.optional(),
  // The annotations area's subnets of their own on the same segment (a /27
  // each; profiles local and kind set them). Unset on a cluster the suite did
  // not create: annotations/default-network and annotations/nad-change skip.
  defaultNetworkSubnet: cidr.optional(),
  nadChangeSubnet: cidr.optional(),
  nadChangeNewSubnet: cidr.optional(),
});

const KindSchema = z.strictObject({
  clusterName: dnsLabel.default(DEFAULTS.kindClusterName),
  nodes: z.number().int().min(1).max(10).default(DEFAULTS.kindNodes),
  nodeImage: z.string().min(1).optional(),
  // The offline toolchain (scripts/kind: private dockerd, locally built node
  // image). Unset: detected on this machine, never by asking a registry.
  offline: z.boolean().optional(),
});

const ExternalPeerSchema = z.strictObject({ netns: z.string().min(1) });

const InputSchema = z.strictObject({
  provider: z.enum(PROVIDERS).default(DEFAULTS.provider),
  kubeconfig: path.optional(),
  context: z.string().min(1).optional(),
  profile: z.enum(PROFILES).optional(),
  mode: z.enum(MODES).optional(),
  tests: z.array(testPattern).default([]),
  // Absent: sized to the cluster when the run starts (helpers/scenario/concurrency.ts).
  concurrency: z.number().int().min(1).max(MAX_CONCURRENCY).optional(),
  timeoutSeconds: seconds.default(DEFAULTS.timeoutSeconds),
  reportDir: path.default(DEFAULTS.reportDir),
  junitFile: path.optional(),
  jsonFile: path.optional(),
  keep: z.boolean().default(false),
  teardown: z.boolean().default(false),
  strict: z.boolean().default(false),
  // For CI: a run with skips, or with fewer passes than expected, does not exit 0.
  failOnSkip: z.boolean().default(false),
  minPassed: z.number().int().min(0).optional(),
  // How long the end-of-run sweep waits for the run's pods to be gone and its namespaces terminating (default: timeouts.namespaceGone).
  sweepWaitSeconds: seconds.optional(),
  // Print the timing breakdown (it is always in the JSON report).
  timings: z.boolean().default(false),
  // Scenarios that can leave state on nodes (negative/long-ifname on thin
  // Multus) run on clusters the suite did not create only when this is set.
  allowNodeResidue: z.boolean().default(false),
  // For CI: failures this YAML list accepts are reported as known, not failed (helpers/report/known-failures.ts).
  knownFailures: path.optional(),
  // A previous run's JSON report (or report directory): the run ends with a comparison; a regression fails it.
  baseline: path.optional(),
  // prefault, not default: the nested defaults must still be applied.
  multus: MultusSchema.prefault({}),
  network: NetworkSchema.prefault({}),
  kind: KindSchema.prefault({}),
  externalPeer: ExternalPeerSchema.optional(),
  runId: RunIdSchema.default(generateRunId),
  // Clusters that cannot see the testbed's locally built image need one they can pull.
  testImage: z.string().min(1).optional(),
  // `--scale N`: selects scale/pods with N pods (and nothing else unless --test adds more).
  scale: z.number().int().min(1).max(1000).optional(),
});

/**
 * Everything a run needs, validated up front. Profile and mode default from
 * the provider; report files default into `reportDir`.
 */
export const RunSettingsSchema = InputSchema.superRefine((s, ctx) => {
  if (s.multus.install === 'tanzu' && !s.multus.tanzu) {
    ctx.addIssue({ code: 'custom', path: ['multus', 'tanzu', 'version'], message: 'required when multus.install is tanzu' });
  }
  if (s.provider === 'existing' && (s.multus.install === 'thin' || s.multus.install === 'thick')) {
    ctx.addIssue({
      code: 'custom',
      path: ['multus', 'install'],
      message: `${s.multus.install} installs only on clusters the suite creates (provider local or kind); use auto, never or tanzu`,
    });
  }
  if (s.provider === 'existing' && s.teardown) {
    ctx.addIssue({ code: 'custom', path: ['teardown'], message: 'only for clusters the suite creates (provider local or kind)' });
  }
}).transform((s) => ({
  ...s,
  profile: s.profile ?? PROFILE_FOR_PROVIDER[s.provider],
  mode: s.mode ?? MODE_FOR_PROVIDER[s.provider],
  junitFile: s.junitFile ?? `${s.reportDir}/junit.xml`,
  jsonFile: s.jsonFile ?? `${s.reportDir}/report.json`,
}));

export type RunSettings = z.output<typeof RunSettingsSchema>;
/** The shape a config file or the flags provide before defaults. */
export type RunSettingsInput = z.input<typeof RunSettingsSchema>;
