import { z } from 'zod';
import { isCidr, isIp, parseCidr, parseIp } from '../parse/ip-address.ts';

export const CNI_VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;
export const cniVersionSchema = z.enum(CNI_VERSIONS);

const ipString = z.string().refine(isIp, 'not an IP address');
const cidrString = z.string().refine(isCidr, 'not a CIDR (address/prefix)');

export const routeSchema = z.looseObject({ dst: cidrString, gw: ipString.optional() });

export const hostLocalRangeSchema = z.looseObject({
  subnet: cidrString,
  rangeStart: ipString.optional(),
  rangeEnd: ipString.optional(),
  gateway: ipString.optional(),
});

// host-local prepends the flat subnet/rangeStart/rangeEnd/gateway as a range to `ranges`.
export const hostLocalIpamSchema = z
  .looseObject({
    type: z.literal('host-local'),
    subnet: cidrString.optional(),
    rangeStart: ipString.optional(),
    rangeEnd: ipString.optional(),
    gateway: ipString.optional(),
    ranges: z.array(z.array(hostLocalRangeSchema).min(1, 'a range set needs at least one range')).optional(),
    routes: z.array(routeSchema).optional(),
    dataDir: z.string().optional(),
  })
  .refine((c) => c.subnet !== undefined || (c.ranges?.length ?? 0) > 0, {
    message: 'host-local needs "subnet" or "ranges"',
    path: ['subnet'],
  });

export const staticIpamSchema = z.looseObject({
  type: z.literal('static'),
  addresses: z.array(z.looseObject({ address: cidrString, gateway: ipString.optional() })).optional(),
  routes: z.array(routeSchema).optional(),
  dns: z.looseObject({}).optional(),
});

/** whereabouts `range`: a CIDR, or `first-last/prefix` (first IP, then the last IP in CIDR form). */
export function isWhereaboutsRange(text: string): boolean {
  const dash = text.indexOf('-');
  if (dash < 0) return isCidr(text);
  const first = parseIp(text.slice(0, dash));
  const cidr = parseCidr(text.slice(dash + 1));
  return first !== undefined && cidr !== undefined && first.family === cidr.ip.family;
}

const whereaboutsRangeSchema = z.looseObject({
  range: z.string().refine(isWhereaboutsRange, 'not a CIDR nor "first-last/prefix"'),
  range_start: ipString.optional(),
  range_end: ipString.optional(),
  exclude: z.array(cidrString).optional(),
});

export const whereaboutsIpamSchema = z
  .looseObject({
    type: z.literal('whereabouts'),
    range: whereaboutsRangeSchema.shape.range.optional(),
    range_start: ipString.optional(),
    range_end: ipString.optional(),
    exclude: z.array(cidrString).optional(),
    gateway: ipString.optional(),
    ipRanges: z.array(whereaboutsRangeSchema).optional(),
    routes: z.array(routeSchema).optional(),
  })
  .refine((c) => c.range !== undefined || (c.ipRanges?.length ?? 0) > 0, {
    message: 'whereabouts needs "range" or "ipRanges"',
    path: ['range'],
  });

export const MACVLAN_MODES = ['bridge', 'private', 'vepa', 'passthru'] as const;
export const IPVLAN_MODES = ['l2', 'l3', 'l3s'] as const;

export const macvlanSchema = z.looseObject({
  type: z.literal('macvlan'),
  master: z.string().min(1).optional(),
  mode: z.enum(MACVLAN_MODES).optional(),
  mtu: z.number().int().positive().optional(),
});

export const ipvlanSchema = z.looseObject({
  type: z.literal('ipvlan'),
  master: z.string().min(1).optional(),
  mode: z.enum(IPVLAN_MODES).optional(),
  mtu: z.number().int().positive().optional(),
});

const pluginSchemas: Record<string, z.ZodType> = { macvlan: macvlanSchema, ipvlan: ipvlanSchema };
const ipamSchemas: Record<string, z.ZodType> = {
  'host-local': hostLocalIpamSchema,
  static: staticIpamSchema,
  whereabouts: whereaboutsIpamSchema,
};

function forward(schema: z.ZodType | undefined, value: unknown, ctx: z.RefinementCtx, prefix: PropertyKey[]): void {
  if (!schema) return;
  const r = schema.safeParse(value);
  if (!r.success) {
    for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [...prefix, ...issue.path] });
  }
}

/**
 * One plugin's config. Only `type` is required (§3.2.3); plugins and IPAM
 * types we know (macvlan, ipvlan, host-local, static, whereabouts) are also
 * checked against their own schema, any other type passes.
 */
export const pluginConfigSchema = z
  .looseObject({
    type: z.string().min(1),
    cniVersion: cniVersionSchema.optional(),
    name: z.string().optional(),
    // `"ipam": {}` is how a plugin is told to skip IPAM, so type stays optional.
    ipam: z.looseObject({ type: z.string().min(1).optional() }).optional(),
    capabilities: z.record(z.string(), z.boolean()).optional(),
  })
  .superRefine((conf, ctx) => {
    forward(pluginSchemas[conf.type], conf, ctx, []);
    const ipamType = conf.ipam?.type;
    if (ipamType !== undefined) forward(ipamSchemas[ipamType], conf.ipam, ctx, ['ipam']);
  });

export const cniConfigListSchema = z.looseObject({
  cniVersion: cniVersionSchema.optional(),
  name: z.string().optional(),
  disableCheck: z.boolean().optional(),
  plugins: z.array(pluginConfigSchema).min(1, 'a config list needs at least one plugin'),
});

export type CniConfig = z.infer<typeof pluginConfigSchema>;
export type CniConfigList = z.infer<typeof cniConfigListSchema>;
export type HostLocalIpam = z.infer<typeof hostLocalIpamSchema>;
export type StaticIpam = z.infer<typeof staticIpamSchema>;
export type WhereaboutsIpam = z.infer<typeof whereaboutsIpamSchema>;

/** A config list is told apart by its `plugins` key, as libcni does. */
export function isConfigList(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'plugins' in value;
}

/** Parses a CNI config or config list (already JSON-decoded); the schema matching its shape. */
export function cniConfigSchemaFor(value: unknown): z.ZodType<CniConfig | CniConfigList> {
  return isConfigList(value) ? cniConfigListSchema : pluginConfigSchema;
}

/** The plugin whose IPAM decides addresses: the config itself, or a list's first plugin with `ipam`. */
export function ipamPlugin(config: CniConfig | CniConfigList): CniConfig | undefined {
  if ('plugins' in config && Array.isArray(config.plugins)) return (config.plugins as CniConfig[]).find((p) => p.ipam?.type);
  return (config as CniConfig).ipam?.type ? (config as CniConfig) : undefined;
}
