// Offline checks of a rendered overlay (kubectl kustomize output): every object
// against the Kubernetes API schemas, then the rules every CRM workload must
// follow. Run through check_manifests.sh, which renders and installs the modules.
//   node check_manifests.mjs --overlay dev|prod RENDERED.yaml
//   node check_manifests.mjs --self-test --overlay dev|prod RENDERED.yaml
// Prints one line per failure and exits 1 when there is any. --self-test breaks
// the objects in memory one way at a time and fails unless each break is caught.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

// The system as the binaries define it: process name -> gRPC port.
const PORTS = {
  gateway: 50051,
  customer: 50061,
  sales: 50062,
  feedback: 50063,
  org: 50064,
  reporting: 50065,
};
const BACKENDS = ["customer", "sales", "feedback", "org", "reporting"];
// Calls between processes that the NetworkPolicies must let through: the
// gateway calls every backend, and each backend calls the services whose
// address it takes (its main.cc reads a "<service>-addr" setting), so a new
// dependency in the code cannot be forgotten here.
function callsInTheCode() {
  const root = new URL("../../", import.meta.url);
  const calls = BACKENDS.map((to) => ["gateway", to]);
  for (const from of BACKENDS) {
    const main = readFileSync(new URL(`services/${from}/main.cc`, root), "utf8");
    for (const [, to] of main.matchAll(/"([a-z]+)-addr"/g)) {
      if (BACKENDS.includes(to) && to !== from) calls.push([from, to]);
    }
  }
  return calls;
}
const REQUIRED_CALLS = callsInTheCode();
// Every other call between backends must stay blocked.
const FORBIDDEN_CALLS = BACKENDS.flatMap((from) => BACKENDS.map((to) => [from, to])).filter(
  ([from, to]) => from !== to && !REQUIRED_CALLS.some(([f, t]) => f === from && t === to),
);
const DB_PORT = 3306;
// What the binaries use when CRM_DRAIN_MS / CRM_SHUTDOWN_GRACE_MS are unset.
const DEFAULT_DRAIN_MS = 5000;
const DEFAULT_SHUTDOWN_GRACE_MS = 20000;
// Slack between the end of the shutdown grace and the kubelet's SIGKILL.
const SHUTDOWN_MARGIN_S = 5;
// Names of settings that hold credentials (CRM_DB_PASSWORD, CRM_TOKEN_SECRET,
// CRM_IDENTITY_KEY), not ones that merely mention them (CRM_ACCESS_TOKEN_TTL_S).
const SECRET_LIKE = /PASSWORD|SECRET|_KEY$|_TOKEN$/i;

// ---------------------------------------------------------------- loading

function loadObjects(file) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0].message}`);
  }
  return docs.map((doc) => doc.toJS()).filter((obj) => obj);
}

const id = (obj) => `${obj.kind}/${obj.metadata?.name}`;
const ofKind = (objects, kind) => objects.filter((o) => o.kind === kind);
const named = (objects, kind, name) => ofKind(objects, kind).find((o) => o.metadata?.name === name);
const workloads = (objects) =>
  objects.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet");
const podLabels = (workload) => workload.spec?.template?.metadata?.labels ?? {};
const podSpec = (workload) => workload.spec?.template?.spec ?? {};

// ---------------------------------------------------------------- schemas

// kubernetes-models publishes one module per API group/version ("v1" for core).
async function modelClass(apiVersion, kind) {
  try {
    const module = await import(`kubernetes-models/${apiVersion}`);
    return typeof module[kind] === "function" ? module[kind] : null;
  } catch {
    return null;
  }
}

async function checkSchemas(objects, fail) {
  for (const obj of objects) {
    const Model = await modelClass(obj.apiVersion, obj.kind);
    if (!Model) {
      fail(obj, `unknown kind ${obj.apiVersion} ${obj.kind}: no schema to validate it against`);
      continue;
    }
    try {
      new Model(obj).validate();
    } catch (error) {
      fail(obj, `schema: ${error.message}`);
    }
  }
}

// ---------------------------------------------------------------- helpers

function selects(selector, labels) {
  if (!selector) return false;
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  const expressions = selector.matchExpressions ?? [];
  return (
    matchLabels.every(([k, v]) => labels[k] === v) &&
    expressions.every(({ key, operator, values = [] }) => {
      if (operator === "In") return values.includes(labels[key]);
      if (operator === "NotIn") return !values.includes(labels[key]);
      if (operator === "Exists") return key in labels;
      if (operator === "DoesNotExist") return !(key in labels);
      return false;
    })
  );
}

// The container's environment as the kubelet builds it: envFrom first, env wins.
function environment(container, objects) {
  const env = {};
  for (const source of container.envFrom ?? []) {
    const map = source.configMapRef && named(objects, "ConfigMap", source.configMapRef.name);
    for (const [k, v] of Object.entries(map?.data ?? {})) env[(source.prefix ?? "") + k] = v;
  }
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.configMapKeyRef;
    env[e.name] = ref
      ? named(objects, "ConfigMap", ref.name)?.data?.[ref.key]
      : (e.value ?? e.valueFrom);
  }
  return env;
}

function grpcPortOf(container) {
  return (container.ports ?? []).find((p) => p.name === "grpc")?.containerPort;
}

// Seconds a preStop hook sleeps, or null when it is not a plain sleep.
function preStopSleepSeconds(container) {
  const hook = container.lifecycle?.preStop;
  if (hook?.sleep) return Number(hook.sleep.seconds);
  const command = hook?.exec?.command ?? [];
  const text = command.join(" ");
  const match = text.match(/(?:^|[\s;/])sleep\s+(\d+)\s*$/);
  return match ? Number(match[1]) : null;
}

// ---------------------------------------------------------------- workload rules

function checkPodSecurity(w, fail) {
  const spec = podSpec(w);
  const pod = spec.securityContext ?? {};
  if (pod.runAsNonRoot !== true) fail(w, "pod securityContext.runAsNonRoot must be true");
  if (!(pod.runAsUser > 0)) fail(w, "pod securityContext.runAsUser must be a non-zero UID");
  if (pod.seccompProfile?.type !== "RuntimeDefault") {
    fail(w, "pod securityContext.seccompProfile.type must be RuntimeDefault");
  }
  if (spec.automountServiceAccountToken !== false) {
    fail(w, "automountServiceAccountToken must be false (no process uses the API)");
  }
  for (const c of spec.containers ?? []) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.readOnlyRootFilesystem !== true) {
      fail(w, `${where}: readOnlyRootFilesystem must be true`);
    }
    if (sc.allowPrivilegeEscalation !== false) {
      fail(w, `${where}: allowPrivilegeEscalation must be false`);
    }
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) {
      fail(w, `${where}: capabilities must drop ALL`);
    }
    if (sc.runAsUser === 0 || sc.runAsNonRoot === false) fail(w, `${where}: runs as root`);
  }
}

function checkResources(w, fail) {
  for (const c of podSpec(w).containers ?? []) {
    for (const kind of ["requests", "limits"]) {
      for (const resource of ["cpu", "memory"]) {
        if (c.resources?.[kind]?.[resource] === undefined) {
          fail(w, `container ${c.name}: resources.${kind}.${resource} missing`);
        }
      }
    }
  }
}

function checkServiceAccount(w, objects, fail) {
  const name = podSpec(w).serviceAccountName;
  if (!name) return fail(w, "serviceAccountName missing (the default account is shared)");
  if (!named(objects, "ServiceAccount", name)) fail(w, `ServiceAccount ${name} does not exist`);
}

function checkSecretsByReference(w, fail) {
  for (const c of podSpec(w).containers ?? []) {
    for (const e of c.env ?? []) {
      if (SECRET_LIKE.test(e.name) && (e.value !== undefined || !e.valueFrom?.secretKeyRef)) {
        fail(w, `container ${c.name}: ${e.name} must come from a secretKeyRef, not a literal`);
      }
    }
  }
}

// Probes of a database or other third-party pod: present, whatever the handler.
function checkAnyProbes(w, fail) {
  for (const c of podSpec(w).containers ?? []) {
    if (!c.readinessProbe) fail(w, `container ${c.name}: readinessProbe missing`);
    if (!c.livenessProbe) fail(w, `container ${c.name}: livenessProbe missing`);
  }
}

// A container serving TLS (CRM_TLS_CERT_FILE set) cannot be probed with the
// kubelet's plaintext gRPC probe: it must use the same health over HTTP on its
// metrics port (/healthz/ready, /healthz/live).
function servesTls(container) {
  return (container.env ?? []).some((e) => e.name === "CRM_TLS_CERT_FILE" && e.value);
}

function metricsPortOf(container) {
  return (container.ports ?? []).find((p) => p.name === "metrics")?.containerPort;
}

function checkGrpcProbes(w, container, fail) {
  const port = grpcPortOf(container);
  if (port === undefined) return fail(w, "container has no port named grpc");
  const tls = servesTls(container);
  const metricsPort = metricsPortOf(container);
  if (tls && metricsPort === undefined) return fail(w, "serves TLS but has no port named metrics");
  const expect = (probeName, service, path) => {
    const probe = container[probeName] ?? {};
    if (tls) {
      const http = probe.httpGet;
      if (!http) return fail(w, `${probeName} must be an httpGet probe (the container serves TLS)`);
      if (http.port !== metricsPort || http.path !== path) {
        fail(w, `${probeName} must get ${path} on the metrics port ${metricsPort}`);
      }
      return;
    }
    const grpc = probe.grpc;
    if (!grpc) return fail(w, `${probeName} must be a grpc probe`);
    if (grpc.port !== port) {
      fail(w, `${probeName} must probe the grpc port ${port}, not ${grpc.port}`);
    }
    if (grpc.service !== service) {
      fail(
        w,
        `${probeName} must ask health service "${service}", not ${JSON.stringify(grpc.service)}`,
      );
    }
  };
  expect("readinessProbe", "", "/healthz/ready");
  expect("livenessProbe", "liveness", "/healthz/live");
  if (!container.startupProbe) fail(w, "startupProbe missing (migrations delay readiness)");
}

function checkShutdownTiming(w, container, objects, fail) {
  const sleep = preStopSleepSeconds(container);
  if (sleep === null) return fail(w, "preStop hook must sleep (so endpoints go before SIGTERM)");
  const env = environment(container, objects);
  const drainMs = Number(env.CRM_DRAIN_MS ?? DEFAULT_DRAIN_MS);
  const graceMs = Number(env.CRM_SHUTDOWN_GRACE_MS ?? DEFAULT_SHUTDOWN_GRACE_MS);
  const needed = sleep + drainMs / 1000 + graceMs / 1000;
  const period = podSpec(w).terminationGracePeriodSeconds ?? 30;
  if (!(period >= needed + SHUTDOWN_MARGIN_S)) {
    fail(
      w,
      `terminationGracePeriodSeconds ${period} must be >= preStop ${sleep} s + CRM_DRAIN_MS ` +
        `${drainMs} + CRM_SHUTDOWN_GRACE_MS ${graceMs} + margin ${SHUTDOWN_MARGIN_S} s`,
    );
  }
}

function checkRollout(w, fail) {
  const rolling = w.spec?.strategy?.rollingUpdate ?? {};
  if (w.spec?.strategy?.type !== "RollingUpdate" || rolling.maxUnavailable !== 0) {
    fail(w, "strategy must be RollingUpdate with maxUnavailable 0");
  }
  if (!(rolling.maxSurge >= 1 || /%$/.test(rolling.maxSurge ?? ""))) {
    fail(w, "rollingUpdate.maxSurge must let a new pod start");
  }
}

function checkDisruptionAndScaling(w, objects, overlay, fail) {
  const pdb = ofKind(objects, "PodDisruptionBudget").find((p) =>
    selects(p.spec?.selector, podLabels(w)),
  );
  if (!pdb) {
    fail(w, "no PodDisruptionBudget selects its pods");
  } else if (!(pdb.spec.maxUnavailable >= 1)) {
    fail(pdb, "maxUnavailable must be >= 1 (drains must go on)");
  }
  const hpa = ofKind(objects, "HorizontalPodAutoscaler").find(
    (h) =>
      h.spec?.scaleTargetRef?.kind === w.kind && h.spec.scaleTargetRef.name === w.metadata.name,
  );
  if (!hpa) return fail(w, "no HorizontalPodAutoscaler targets it");
  const cpu = (hpa.spec.metrics ?? []).some(
    (m) => m.type === "Resource" && m.resource?.name === "cpu",
  );
  if (!cpu) fail(hpa, "must scale on CPU utilisation");
  const minimum = overlay === "prod" ? 2 : 1;
  if (!((hpa.spec.minReplicas ?? 1) >= minimum)) fail(hpa, `minReplicas must be >= ${minimum}`);
  if (!(hpa.spec.maxReplicas >= (hpa.spec.minReplicas ?? 1))) {
    fail(hpa, "maxReplicas < minReplicas");
  }
}

function checkProdPlacement(w, fail) {
  if (!((w.spec?.replicas ?? 1) >= 2)) fail(w, "prod needs replicas >= 2");
  const constraints = podSpec(w).topologySpreadConstraints ?? [];
  const spreads = (key, when) =>
    constraints.some(
      (t) =>
        t.topologyKey === key &&
        t.whenUnsatisfiable === when &&
        selects(t.labelSelector, podLabels(w)),
    );
  if (!spreads("kubernetes.io/hostname", "DoNotSchedule")) {
    fail(
      w,
      "prod needs a topology spread over kubernetes.io/hostname (DoNotSchedule) on its own pods",
    );
  }
  if (!spreads("topology.kubernetes.io/zone", "ScheduleAnyway")) {
    fail(w, "prod needs a topology spread over topology.kubernetes.io/zone (ScheduleAnyway)");
  }
}

// A CRM process: one image, the binary chosen by command, the system's port.
function checkCrmDeployment(w, objects, overlay, fail) {
  const name = w.metadata.name;
  const containers = podSpec(w).containers ?? [];
  if (containers.length !== 1) return fail(w, "expected exactly one container");
  const [container] = containers;
  if (JSON.stringify(container.command) !== JSON.stringify([`/usr/local/bin/crm-${name}`])) {
    fail(w, `command must be ["/usr/local/bin/crm-${name}"]`);
  }
  if (grpcPortOf(container) !== PORTS[name]) fail(w, `grpc port must be ${PORTS[name]}`);
  checkGrpcProbes(w, container, fail);
  checkShutdownTiming(w, container, objects, fail);
  checkRollout(w, fail);
  checkDisruptionAndScaling(w, objects, overlay, fail);
  if (overlay === "prod") checkProdPlacement(w, fail);
}

function checkWorkloads(objects, overlay, fail) {
  for (const name of Object.keys(PORTS)) {
    if (!named(objects, "Deployment", name)) {
      fail({ kind: "Deployment", metadata: { name } }, "missing");
    }
  }
  for (const w of workloads(objects)) {
    checkPodSecurity(w, fail);
    checkResources(w, fail);
    checkServiceAccount(w, objects, fail);
    checkSecretsByReference(w, fail);
    if (w.kind === "Deployment" && w.metadata.name in PORTS) {
      checkCrmDeployment(w, objects, overlay, fail);
    } else {
      checkAnyProbes(w, fail);
    }
  }
}

// ---------------------------------------------------------------- services, config

function checkServices(objects, fail) {
  for (const svc of ofKind(objects, "Service")) {
    const selector = svc.spec?.selector;
    const target =
      selector && workloads(objects).find((w) => selects({ matchLabels: selector }, podLabels(w)));
    if (!target) {
      fail(svc, `selects no Deployment/StatefulSet pods (selector ${JSON.stringify(selector)})`);
      continue;
    }
    const ports = (podSpec(target).containers ?? []).flatMap((c) => c.ports ?? []);
    for (const p of svc.spec.ports ?? []) {
      const targetPort = p.targetPort ?? p.port;
      if (!ports.some((cp) => cp.name === targetPort || cp.containerPort === targetPort)) {
        fail(svc, `port ${p.port}: targetPort ${targetPort} is no container port of ${id(target)}`);
      }
    }
    if (BACKENDS.includes(target.metadata.name) && svc.spec.clusterIP !== "None") {
      fail(svc, "a backend Service must be headless (clusterIP: None) for per-call balancing");
    }
  }
  for (const name of BACKENDS) {
    if (!named(objects, "Service", name)) fail({ kind: "Service", metadata: { name } }, "missing");
  }
  const gateway = named(objects, "Service", "gateway");
  if (!gateway?.spec?.ports?.some((p) => p.port === PORTS.gateway)) {
    fail({ kind: "Service", metadata: { name: "gateway" } }, `must serve port ${PORTS.gateway}`);
  }
}

// Credentials live in Secrets created outside the repository.
function checkNoSecretValues(objects, fail) {
  for (const s of ofKind(objects, "Secret")) fail(s, "Secrets must not be rendered from the repo");
  for (const map of ofKind(objects, "ConfigMap")) {
    for (const key of Object.keys(map.data ?? {})) {
      if (SECRET_LIKE.test(key)) fail(map, `${key} looks like a credential: use a Secret`);
    }
  }
}

// ---------------------------------------------------------------- network policies

const policies = (objects) => ofKind(objects, "NetworkPolicy");

function policyTypes(np) {
  return np.spec.policyTypes ?? ["Ingress", ...(np.spec.egress ? ["Egress"] : [])];
}

function portAllowed(rulePorts, port, protocol = "TCP") {
  if (!rulePorts?.length) return true;
  return rulePorts.some(
    (p) =>
      (p.protocol ?? "TCP") === protocol &&
      (p.port === undefined ||
        p.port === port ||
        (p.endPort && p.port <= port && port <= p.endPort)),
  );
}

// Peers in this namespace only: a namespaceSelector or ipBlock peer is somewhere else.
function peerAllows(peers, labels) {
  if (!peers?.length) return true;
  return peers.some(
    (peer) => peer.podSelector && !peer.namespaceSelector && selects(peer.podSelector, labels),
  );
}

// Whether one direction lets the traffic through: unrestricted when no policy
// selects the pod for that direction, else when some rule of one of them matches.
function directionAllows(objects, podLabelsOfSide, type, ruleMatches) {
  const applying = policies(objects).filter(
    (np) => policyTypes(np).includes(type) && selects(np.spec.podSelector, podLabelsOfSide),
  );
  if (!applying.length) return true;
  const key = type === "Ingress" ? "ingress" : "egress";
  return applying.some((np) => (np.spec[key] ?? []).some(ruleMatches));
}

function ingressAllowed(objects, fromLabels, toLabels, port) {
  return directionAllows(
    objects,
    toLabels,
    "Ingress",
    (r) => portAllowed(r.ports, port) && peerAllows(r.from, fromLabels),
  );
}

function callAllowed(objects, fromLabels, toLabels, port) {
  const egress = directionAllows(
    objects,
    fromLabels,
    "Egress",
    (r) => portAllowed(r.ports, port) && peerAllows(r.to, toLabels),
  );
  return egress && ingressAllowed(objects, fromLabels, toLabels, port);
}

function egressToAddressAllowed(objects, fromLabels, port) {
  return directionAllows(
    objects,
    fromLabels,
    "Egress",
    (r) => portAllowed(r.ports, port) && (!r.to?.length || r.to.some((peer) => peer.ipBlock)),
  );
}

function checkDefaultDeny(objects, fail) {
  const denyAll = policies(objects).some(
    (np) =>
      Object.keys(np.spec.podSelector ?? {}).length === 0 &&
      ["Ingress", "Egress"].every((t) => np.spec.policyTypes?.includes(t)) &&
      !np.spec.ingress?.length &&
      !np.spec.egress?.length,
  );
  if (!denyAll) {
    fail(
      { kind: "NetworkPolicy", metadata: { name: "(none)" } },
      "no default-deny policy (podSelector {}, policyTypes Ingress+Egress, no rules)",
    );
  }
  const dns = policies(objects).some(
    (np) =>
      Object.keys(np.spec.podSelector ?? {}).length === 0 &&
      (np.spec.egress ?? []).some((r) => portAllowed(r.ports, 53, "UDP") && r.ports?.length),
  );
  if (!dns) {
    fail({ kind: "NetworkPolicy", metadata: { name: "(none)" } }, "no DNS egress for all pods");
  }
}

function checkNetworkPolicies(objects, fail) {
  checkDefaultDeny(objects, fail);
  const labelsOf = (name) =>
    podLabels(workloads(objects).find((w) => w.metadata.name === name) ?? {});
  const flowFail = (text) => fail({ kind: "NetworkPolicy", metadata: { name: "(flows)" } }, text);
  for (const [from, to] of REQUIRED_CALLS) {
    if (!callAllowed(objects, labelsOf(from), labelsOf(to), PORTS[to])) {
      flowFail(`${from} -> ${to}:${PORTS[to]} is blocked`);
    }
  }
  for (const [from, to] of FORBIDDEN_CALLS) {
    if (callAllowed(objects, labelsOf(from), labelsOf(to), PORTS[to])) {
      flowFail(`${from} -> ${to}:${PORTS[to]} is allowed but nothing needs it`);
    }
  }
  // A pod of some other application (its own egress is not ours to judge).
  const stranger = { "app.kubernetes.io/name": "some-other-app" };
  if (!ingressAllowed(objects, stranger, labelsOf("gateway"), PORTS.gateway)) {
    flowFail(`clients cannot reach gateway:${PORTS.gateway}`);
  }
  for (const backend of BACKENDS) {
    if (ingressAllowed(objects, stranger, labelsOf(backend), PORTS[backend])) {
      flowFail(`any pod may call ${backend}:${PORTS[backend]} past the gateway`);
    }
    checkDatabaseFlow(objects, labelsOf(backend), backend, flowFail);
  }
}

// In-cluster database (dev): the backend reaches its pods. External (prod): an
// address block.
function checkDatabaseFlow(objects, backendLabels, backend, flowFail) {
  const database = ofKind(objects, "StatefulSet").find((s) =>
    (podSpec(s).containers ?? []).some((c) =>
      (c.ports ?? []).some((p) => p.containerPort === DB_PORT),
    ),
  );
  const ok = database
    ? callAllowed(objects, backendLabels, podLabels(database), DB_PORT)
    : egressToAddressAllowed(objects, backendLabels, DB_PORT);
  if (!ok) flowFail(`${backend} -> database:${DB_PORT} is blocked`);
}

// ---------------------------------------------------------------- checking

async function check(objects, overlay) {
  const failures = [];
  const fail = (obj, text) => failures.push(`${id(obj)}: ${text}`);
  await checkSchemas(objects, fail);
  checkWorkloads(objects, overlay, fail);
  checkServices(objects, fail);
  checkNoSecretValues(objects, fail);
  checkNetworkPolicies(objects, fail);
  return failures;
}

// ---------------------------------------------------------------- self-test

// Ways to break the objects: each returns a function that edits them in place.
const deployment = (objects, name) => named(objects, "Deployment", name);
const editServer = (name, edit) => (o) => edit(podSpec(deployment(o, name)).containers[0]);
const editPod = (name, edit) => (o) => edit(podSpec(deployment(o, name)));
const edit = (kind, name, change) => (o) => change(named(o, kind, name));
const drop = (kind, name) => (o) => o.splice(o.indexOf(named(o, kind, name)), 1);
const add = (obj) => (o) => o.push(obj);
const setConfig = (key, value) => (o) => {
  ofKind(o, "ConfigMap").find((m) => m.data?.[key] !== undefined).data[key] = value;
};
const literalDbPassword = (c) => {
  c.env = c.env.map((e) => (e.name === "CRM_DB_PASSWORD" ? { name: e.name, value: "x" } : e));
};

// [what, the failure that must report it, the break, the only overlay it applies to]
// prettier-ignore
const BREAKS = [
  ["backend without readiness probe", /readinessProbe must be a grpc probe/,
    editServer("customer", (c) => delete c.readinessProbe)],
  ["liveness asks the readiness service", /livenessProbe must ask health service "liveness"/,
    editServer("customer", (c) => (c.livenessProbe.grpc.service = ""))],
  ["probe on a named port", /schema: .*grpc\/port must be integer/,
    editServer("sales", (c) => (c.readinessProbe.grpc.port = "grpc"))],
  ["no cpu limit", /resources\.limits\.cpu missing/,
    editServer("sales", (c) => delete c.resources.limits.cpu)],
  ["no memory request", /resources\.requests\.memory missing/,
    editServer("org", (c) => delete c.resources.requests.memory)],
  ["runs as root", /runAsNonRoot must be true/,
    editPod("org", (p) => (p.securityContext.runAsNonRoot = false))],
  ["writable root filesystem", /readOnlyRootFilesystem must be true/,
    editServer("feedback", (c) => (c.securityContext.readOnlyRootFilesystem = false))],
  ["capabilities kept", /capabilities must drop ALL/,
    editServer("feedback", (c) => delete c.securityContext.capabilities)],
  ["privilege escalation", /allowPrivilegeEscalation must be false/,
    editServer("reporting", (c) => (c.securityContext.allowPrivilegeEscalation = true))],
  ["no preStop", /preStop hook must sleep/,
    editServer("gateway", (c) => delete c.lifecycle)],
  ["grace period too short", /terminationGracePeriodSeconds 20 must be/,
    editPod("customer", (p) => (p.terminationGracePeriodSeconds = 20))],
  ["shutdown grace raised in the ConfigMap only", /CRM_SHUTDOWN_GRACE_MS 60000/,
    setConfig("CRM_SHUTDOWN_GRACE_MS", "60000")],
  ["missing ServiceAccount", /ServiceAccount org does not exist/,
    drop("ServiceAccount", "org")],
  ["missing PDB", /no PodDisruptionBudget selects/,
    drop("PodDisruptionBudget", "feedback")],
  ["missing HPA", /no HorizontalPodAutoscaler targets/,
    drop("HorizontalPodAutoscaler", "reporting")],
  ["backend Service with a virtual IP", /must be headless/,
    edit("Service", "customer", (s) => delete s.spec.clusterIP)],
  ["Service selector typo", /selects no Deployment/,
    edit("Service", "sales", (s) => (s.spec.selector = { "app.kubernetes.io/name": "sale" }))],
  ["literal password", /CRM_DB_PASSWORD must come from a secretKeyRef/,
    editServer("sales", literalDbPassword)],
  ["Secret object in the repo", /Secrets must not be rendered/,
    add({ apiVersion: "v1", kind: "Secret", metadata: { name: "crm-shared" } })],
  ["no default deny", /no default-deny policy/,
    drop("NetworkPolicy", "default-deny-all")],
  ["reporting cannot read org's feed", /reporting -> org:50064 is blocked/,
    edit("NetworkPolicy", "reporting-egress", (np) => np.spec.egress.pop())],
  ["backend open to every pod", /any pod may call org:50064/,
    edit("NetworkPolicy", "org-ingress", (np) => delete np.spec.ingress[0].from)],
  ["unknown kind", /unknown kind example\.com\/v1 Widget/,
    add({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } })],
  ["prod with one replica", /prod needs replicas >= 2/,
    edit("Deployment", "gateway", (d) => (d.spec.replicas = 1)), "prod"],
  ["prod without topology spread", /kubernetes\.io\/hostname/,
    editPod("org", (p) => delete p.topologySpreadConstraints), "prod"],
  ["TLS gateway probed with plaintext gRPC", /readinessProbe must be an httpGet probe/,
    editServer("gateway", (c) => (c.readinessProbe = { grpc: { port: 50051, service: "" } })),
    "prod"],
];

// Breaks a copy of the objects each way in turn; every break must be reported.
async function selfTest(objects, overlay) {
  const clean = await check(objects, overlay);
  if (clean.length) return [`self-test needs a passing input first:`, ...clean];
  const problems = [];
  for (const [what, expected, breakIt, onlyOverlay] of BREAKS) {
    if (onlyOverlay && onlyOverlay !== overlay) continue;
    const broken = structuredClone(objects);
    breakIt(broken);
    const failures = await check(broken, overlay);
    if (failures.some((f) => expected.test(f))) {
      console.log(`caught: ${what}`);
    } else {
      console.log(`MISSED: ${what} (got: ${failures.join(" | ") || "no failure"})`);
      problems.push(`self-test: "${what}" was not reported as ${expected}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------- running

function parseArguments(argv) {
  const args = { selfTest: false, overlay: null, file: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--self-test") args.selfTest = true;
    else if (argv[i] === "--overlay") args.overlay = argv[++i];
    else args.file = argv[i];
  }
  if (!["dev", "prod"].includes(args.overlay) || !args.file) {
    console.error("usage: check_manifests.mjs [--self-test] --overlay dev|prod RENDERED.yaml");
    process.exit(2);
  }
  return args;
}

async function main() {
  const args = parseArguments(process.argv.slice(2));
  const objects = loadObjects(args.file);
  const failures = args.selfTest
    ? await selfTest(objects, args.overlay)
    : await check(objects, args.overlay);
  for (const line of failures) console.log(`FAIL ${args.overlay}: ${line}`);
  const what = args.selfTest ? "self-test" : `${objects.length} objects`;
  console.log(
    `${args.overlay}: ${what}: ${failures.length ? `${failures.length} failure(s)` : "ok"}`,
  );
  process.exit(failures.length ? 1 : 0);
}

await main();
