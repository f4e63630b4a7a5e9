# The local stack's processes: how each is started, shared by up.sh (first
# start) and restart.sh (rolling restart). Source it after lib.sh with
# LOCAL_DIR, GATEWAY_PORT, DB_PORT and BACKEND_PORT set and the secrets loaded.

CRM_LOCAL_SERVICES=(customer sales feedback org reporting)
declare -A CRM_LOCAL_SERVICE_NAMES=(
  [customer]=crm.customer.v1.CustomerService [sales]=crm.sales.v1.SalesService
  [feedback]=crm.feedback.v1.FeedbackService [org]=crm.org.v1.OrgService
  [reporting]=crm.reporting.v1.ReportingService)

# Each backend has two ports, its own and its own + 10, and is on one of them
# at a time: restart.sh starts the replacement on the other, so that for a
# moment both serve, as two pods do during a Kubernetes rolling update.
# Clients name both (crm_local_target); their channels health-check every
# address and so send only to the one serving. The gateway keeps one port,
# shared with its replacement through SO_REUSEPORT.
crm_local_home_port() {
  local name=$1 i
  [ "$name" = gateway ] && { echo "$GATEWAY_PORT"; return; }
  for i in "${!CRM_LOCAL_SERVICES[@]}"; do
    [ "${CRM_LOCAL_SERVICES[$i]}" = "$name" ] && { echo $((BACKEND_PORT + i)); return; }
  done
  echo "stack.sh: unknown process $name" >&2
  return 1
}

# The port a process serves on now.
crm_local_port() {
  cat "$LOCAL_DIR/run/$1.port" 2>/dev/null || crm_local_home_port "$1"
}

# The port its replacement takes.
crm_local_next_port() {
  local home current
  home=$(crm_local_home_port "$1") current=$(crm_local_port "$1")
  if [ "$1" = gateway ]; then echo "$home"
  elif [ "$current" = "$home" ]; then echo $((home + 10))
  else echo "$home"; fi
}

# How clients address a backend: both of its ports.
crm_local_target() {
  local home
  home=$(crm_local_home_port "$1")
  echo "ipv4:127.0.0.1:$home,127.0.0.1:$((home + 10))"
}

# Starts one process on the given port in the background, appending to its
# log; prints its pid. Its metrics page is on that port + 1000.
crm_local_start() {  # name port
  local name=$1 port=$2 args=() svc
  if [ "$name" = gateway ]; then
    for svc in "${CRM_LOCAL_SERVICES[@]}"; do
      args+=("--$svc-addr=$(crm_local_target "$svc")")
    done
    CRM_DRAIN_MS=${CRM_DRAIN_MS:-500} nohup setsid "$CRM_BUILD_DIR/services/gateway/crm-gateway" \
      --listen "127.0.0.1:$port" --metrics-port=$((port + 1000)) --reuse-port=true "${args[@]}" \
      >>"$LOCAL_DIR/logs/$name.log" 2>&1 </dev/null &
  else
    # Customer, sales and feedback follow the org service (employees,
    # settings, feed); sales and feedback ask customer about the customers
    # their records name; customer follows feedback's feed (complaints) and
    # sales' (follow-ups, for the pool's recycle); reporting follows the
    # org, customer, sales and feedback feeds into its read model.
    case $name in
      customer) args=(--org-addr "$(crm_local_target org)"
                      --feedback-addr "$(crm_local_target feedback)"
                      --sales-addr "$(crm_local_target sales)") ;;
      sales | feedback) args=(--org-addr "$(crm_local_target org)"
                              --customer-addr "$(crm_local_target customer)") ;;
      reporting) args=(--org-addr "$(crm_local_target org)"
                       --customer-addr "$(crm_local_target customer)"
                       --sales-addr "$(crm_local_target sales)"
                       --feedback-addr "$(crm_local_target feedback)") ;;
    esac
    local password_var="CRM_${name^^}_DB_PASSWORD"
    CRM_DRAIN_MS=${CRM_DRAIN_MS:-500} CRM_DB_PASSWORD=${!password_var} \
      nohup setsid "$CRM_BUILD_DIR/services/crm-$name" --listen "127.0.0.1:$port" \
      --metrics-port=$((port + 1000)) \
      --db-port "$DB_PORT" "${args[@]}" \
      >>"$LOCAL_DIR/logs/$name.log" 2>&1 </dev/null &
  fi
  echo $!
}
