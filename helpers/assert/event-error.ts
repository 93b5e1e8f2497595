/**
 * Splits a pod's failure event into the wrapper every sandbox failure
 * carries (kubelet, gRPC, the runtime, libcni, Multus' pod and network
 * context) and the error part that says what really went wrong. Negative
 * scenarios match their cause against the error part only: the wrapper
 * names the network, the plugin and the sandbox, and "failed to setup
 * network for sandbox" is in every failure, so matching it proves nothing.
 */

/** Event reasons that say a pod's networks could not be set up. */
export const FAILURE_REASONS: ReadonlySet<string> = new Set(['NoNetworkFound', 'FailedCreatePodSandBox', 'ErrorAddingNetwork', 'ErrorUpdatingNetworkStatus']);

export interface EventError {
  reason: string;
  /** The error part: what is left once every known wrapper is taken off. */
  error: string;
  /** The wrappers taken off, outermost first (for reports, never for matching). */
  context: string[];
  sandbox?: string;
  /** The CNI plugin the runtime called (`multus`, `multus-shim`). */
  plugin?: string;
  /** `namespace/name` of the pod as Multus names it. */
  pod?: string;
  /** The network Multus was adding when the delegate failed. */
  network?: string;
}

type Found = Partial<Pick<EventError, 'sandbox' | 'plugin' | 'pod' | 'network'>>;

interface Wrapper {
  pattern: RegExp;
  found?: (m: RegExpExecArray) => Found;
}

/** `ns/name/uid` or `ns/name/uid:network`, as Multus prefixes its errors. */
function podRef(ref: string): Found {
  const [path, network] = ref.split(':', 2) as [string, string | undefined];
  const [ns, name] = path.split('/');
  return { ...(ns && name ? { pod: `${ns}/${name}` } : {}), ...(network ? { network } : {}) };
}

// Each is anchored at the start of what is left; they are tried until none
// matches, so their order only matters where one is a prefix of another.
const WRAPPERS: readonly Wrapper[] = [
  // kubelet (pkg/kubelet/kuberuntime): FailedCreatePodSandBox
  { pattern: /^Failed to create pod sandbox: / },
  // gRPC status from the CRI
  { pattern: /^rpc error: code = \w+ desc = / },
  // containerd's CRI plugin
  { pattern: /^failed to setup network for sandbox "([^"]*)": /, found: (m) => ({ sandbox: m[1]! }) },
  // libcni; newer versions add the network name
  { pattern: /^plugin type="([^"]*)"(?: name="[^"]*")? failed \(add\): /, found: (m) => ({ plugin: m[1]! }) },
  // Multus thick: the shim relays the daemon's answer, quoted
  { pattern: /^CmdAdd \(shim\): CNI request failed with status \d+: '(?:.*? ERRORED: )?/s },
  { pattern: /^error configuring pod \[[^\]]*\] networking: / },
  // Multus: the pod (and network) it was working on
  { pattern: /^Multus: \[([^\]]*)\]: /, found: (m) => podRef(m[1]!) },
  { pattern: /^\[([^\]\s]+\/[^\]\s]+)\]: /, found: (m) => podRef(m[1]!) },
  { pattern: /^error adding container to network "([^"]*)": /, found: (m) => ({ network: m[1]! }) },
  { pattern: /^error loading k8s delegates k8s args: / },
  { pattern: /^error in getting k8s network for pod: / },
  { pattern: /^failed getting the delegate: / },
  { pattern: /^cannot set "[^"]*" interface name to "[^"]*": / },
  // A Go function name Multus puts before an error ("DelegateAdd: ",
  // "parsePodNetworkAnnotation: "): camelCase, no spaces.
  { pattern: /^[A-Za-z][a-z0-9]*[A-Z]\w*(?:\(\))?: / },
];

/** The error part of a failure event's message, with the wrappers it had. */
export function parseEventError(reason: string, message: string): EventError {
  let rest = message.trim();
  const out: EventError = { reason, error: '', context: [] };
  let shim = false;
  for (let progress = true; progress; ) {
    progress = false;
    for (const w of WRAPPERS) {
      const m = w.pattern.exec(rest);
      if (!m || m[0].length === 0) continue;
      out.context.push(m[0].trimEnd());
      Object.assign(out, w.found?.(m) ?? {});
      if (m[0].startsWith('CmdAdd (shim)')) shim = true;
      rest = rest.slice(m[0].length);
      progress = true;
      break;
    }
  }
  // The shim quotes the daemon's error, which ends with a newline (raw, or
  // escaped as \n once the message has been quoted again).
  if (shim) rest = rest.replace(/(?:\\n)?'\s*$/, '').trimEnd();
  out.error = rest;
  return out;
}

// Multus could not read the pod from the API server in time: its lookup
// (`GetPod`) timed out or found no server, before it got to any network.
const TRANSIENT_API: readonly RegExp[] = [
  /^error (?:waiting for|getting) pod: .*(?:context deadline exceeded|Client\.Timeout exceeded|i\/o timeout|TLS handshake timeout|connection refused|connection reset by peer|the server was unable to return a response)/s,
];

/**
 * An error that says nothing about the pod's attachments: a loaded API
 * server made Multus' pod lookup time out (seen on kind and under 100-pod
 * bursts on 2 cores). The kubelet retries the sandbox, so a pod that must
 * fail is judged on the attempts that reach its networks.
 */
export function isTransientApiError(e: EventError): boolean {
  return TRANSIENT_API.some((p) => p.test(e.error));
}
