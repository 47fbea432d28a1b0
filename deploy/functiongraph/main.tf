# ges-stop on Huawei Cloud FunctionGraph (README.md, "Run on FunctionGraph"): the function,
# keyless through an agency delegated to FunctionGraph, a timer trigger, an IAM-authenticated
# API Gateway (dedicated) trigger, an SMN trigger, and a Cloud Eye alarm on the function's
# errors.
#
# Every argument was checked against the documentation of the huaweicloud/huaweicloud
# provider v1.97.1 (docs/resources/{fgs_function, fgs_trigger, identity_agency,
# identity_role, apig_group, ces_alarmrule}.md, at the provider's commit a0345b8 of
# 2026-08-21). `terraform validate` has not been run: the provider could not be installed
# where this was written. tests/tests/functiongraph_deploy.rs parses these files and checks
# them against what the README promises; `terraform fmt -check` runs there when a terraform
# binary is on PATH.

terraform {
  required_version = ">= 1.3"
  required_providers {
    huaweicloud = {
      source = "huaweicloud/huaweicloud"
      # huaweicloud_fgs_trigger, used below, is kept in the provider's "Deprecated" group;
      # 1.97 is the release these files were checked against.
      version = "~> 1.97"
    }
  }
}

provider "huaweicloud" {
  region = var.region
}

locals {
  # The GES actions ges-stop calls (README.md, "Security model"; GES's "Permissions
  # Policies and Supported Actions", api-ges ges_03_0148): list, show, stop and start
  # (one action, ges:graph:operate), and the stop job's status for `wait`.
  ges_actions = ["ges:graph:list", "ges:graph:getDetail", "ges:graph:operate", "ges:jobs:getDetail"]
  # Cloud Eye's batch read of GES's request counts: only for schedules with
  # stop_when_idle or spare_busy (var.idle_checks).
  cloud_eye_actions = ["ces:metricData:list"]

  # The function's environment variables (README.md, "Run on FunctionGraph", the table).
  # A blank value counts as unset, so the optional ones are always listed. FunctionGraph
  # allows 4,096 characters for all of them together ("Notes and Constraints",
  # productdesc-functiongraph functiongraph_01_0150): a large schedules document goes in
  # the code package instead, named by GES_SCHEDULES_FILE.
  environment = {
    HUAWEICLOUD_SDK_REGION     = var.region
    HUAWEICLOUD_SDK_PROJECT_ID = var.project_id
    GES_GRAPH_IDS              = var.graph_ids
    GES_SELECTORS              = var.selectors
    GES_SCHEDULES              = var.schedules
    GES_SCHEDULES_FILE         = var.schedules_file
    GES_ALLOWED_GRAPH_IDS      = var.allowed_graph_ids
    GES_ALLOWED_PROJECT_IDS    = var.allowed_project_ids
    GES_MAX_GRAPHS             = "${var.max_graphs}"
    GES_WAIT_TIMEOUT_SECS      = "${var.wait_timeout_seconds}"
  }
}

# What the agency may do: a fine-grained custom policy (IAM policy version 1.1), in the
# region's projects.
resource "huaweicloud_identity_role" "ges_stop" {
  name        = var.function_name
  description = "ges-stop: list, show, stop and start GES graphs, and read their jobs"
  type        = "XA"
  policy = jsonencode({
    Version = "1.1"
    Statement = [{
      Effect = "Allow"
      Action = var.idle_checks ? concat(local.ges_actions, local.cloud_eye_actions) : local.ges_actions
    }]
  })
}

# The agency FunctionGraph hands the function's temporary credentials for, with every
# invocation: a cloud service agency delegated to FunctionGraph, whose IAM account name is
# op_svc_cff (the console's "Cloud service: FunctionGraph").
resource "huaweicloud_identity_agency" "ges_stop" {
  name                  = var.function_name
  description           = "FunctionGraph runs ges-stop with this agency"
  delegated_domain_name = "op_svc_cff"
  duration              = "FOREVER"

  project_role {
    project = var.region
    roles   = [huaweicloud_identity_role.ges_stop.name]
  }

  lifecycle {
    # The provider reads a service agency's op_svc_ name back into its internal
    # delegated_service_name, not into delegated_domain_name: not a change of ours.
    ignore_changes = [delegated_service_name]
  }
}

resource "huaweicloud_fgs_function" "ges_stop" {
  name        = var.function_name
  app         = "default"
  description = "Stops Huawei Cloud GES graphs"
  # A custom runtime: FunctionGraph runs the package's `bootstrap`
  # (usermanual-functiongraph functiongraph_01_0406). The handler is handed to it in
  # RUNTIME_HANDLER, which ges-stop does not read.
  runtime       = "Custom"
  handler       = "bootstrap"
  code_type     = "zip"
  code_filename = "ges-stop-functiongraph.zip"
  func_code     = filebase64(var.package)
  memory_size   = var.memory_size
  # Above GES_WAIT_TIMEOUT_SECS: `"wait": true` gives up before the deadline and answers
  # that the job is still running.
  timeout   = var.timeout_seconds
  agency    = huaweicloud_identity_agency.ges_stop.name
  user_data = jsonencode(local.environment)
  # Logs to LTS: FunctionGraph creates the log group and stream when none is named.
  enable_lts_log = true
}

# The timer: with `additional_information` (the event's user_event) empty, it runs the
# default: a reconcile when schedules are configured, else a stop of GES_GRAPH_IDS or
# GES_SELECTORS; or the event JSON given there.
resource "huaweicloud_fgs_trigger" "timer" {
  function_urn = huaweicloud_fgs_function.ges_stop.urn
  type         = "TIMER"
  status       = "ACTIVE"

  timer {
    name                   = "ges-stop-timer"
    schedule_type          = var.timer_schedule_type
    schedule               = var.timer_schedule
    additional_information = var.timer_user_event
  }
}

# HTTP calls through a dedicated API Gateway (the shared gateway is being discontinued:
# API Gateway best practice "Migrating Shared Gateway to a Dedicated Gateway",
# bestpractice-apig apig-bp-0052), IAM-authenticated. Left out without var.apig_instance_id.
resource "huaweicloud_apig_group" "ges_stop" {
  count = var.apig_instance_id == "" ? 0 : 1

  instance_id = var.apig_instance_id
  name        = var.function_name
  description = "ges-stop's HTTP routes"
}

resource "huaweicloud_fgs_trigger" "apig" {
  count = var.apig_instance_id == "" ? 0 : 1

  function_urn = huaweicloud_fgs_function.ges_stop.urn
  type         = "DEDICATEDGATEWAY"
  status       = "ACTIVE"

  apig {
    instance_id = var.apig_instance_id
    group_id    = huaweicloud_apig_group.ges_stop[0].id
    # The API's path is /ges-stop, matched as a prefix: ges-stop reads its route from the
    # end of the path (/ges-stop/graphs/{graph_id}/stop).
    api_name                = "ges-stop"
    env_name                = "RELEASE"
    security_authentication = "IAM"
    request_protocol        = "HTTPS"
    # The gateway's wait for the function, in milliseconds (1 to 60,000): keep
    # GES_WAIT_TIMEOUT_SECS below it, or a waiting call is cut by the gateway.
    timeout = var.apig_timeout_ms
  }
}

# Events published on an SMN topic, one event of ours per message. Whoever may publish to
# the topic may stop graphs: keep its topic policy narrow. Left out without
# var.smn_topic_urn.
resource "huaweicloud_fgs_trigger" "smn" {
  count = var.smn_topic_urn == "" ? 0 : 1

  function_urn = huaweicloud_fgs_function.ges_stop.urn
  type         = "SMN"

  smn {
    topic_urn = var.smn_topic_urn
  }
}

# Tells the team when the function fails: FunctionGraph's own metric of invocation errors
# in Cloud Eye (namespace SYS.FunctionGraph, metric failcount, dimension
# package-functionname = APP-FUNCTION; "FunctionGraph Metrics", api-functiongraph
# functiongraph_06_1340). An invocation answered at the runtime's error path (a failed run,
# a bad event, a configuration error) is such an error.
resource "huaweicloud_ces_alarmrule" "function_errors" {
  alarm_name           = "${var.function_name}-errors"
  alarm_description    = "ges-stop failed: see the function's logs in LTS"
  alarm_type           = "MULTI_INSTANCE"
  alarm_enabled        = true
  alarm_action_enabled = var.alarm_topic_urn != ""

  metric {
    namespace = "SYS.FunctionGraph"
  }

  resources {
    dimensions {
      name  = "package-functionname"
      value = "default-${var.function_name}"
    }
  }

  condition {
    metric_name         = "failcount"
    period              = 300
    filter              = "sum"
    comparison_operator = ">="
    value               = 1
    count               = 1
    suppress_duration   = 0
    alarm_level         = 2
  }

  dynamic "alarm_actions" {
    for_each = var.alarm_topic_urn == "" ? [] : [var.alarm_topic_urn]
    content {
      type              = "notification"
      notification_list = [alarm_actions.value]
    }
  }
}
