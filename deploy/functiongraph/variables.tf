# The deployment's inputs (README.md, "Run on FunctionGraph"). Only `package` has no
# default: the zip scripts/package-functiongraph prints.

variable "package" {
  description = "The code package: ges-stop-functiongraph.zip, as scripts/package-functiongraph builds it"
  type        = string
}

variable "region" {
  description = "The Huawei Cloud region of the function and of the graphs (HUAWEICLOUD_SDK_REGION)"
  type        = string
  default     = "cn-north-4"
}

variable "project_id" {
  description = "HUAWEICLOUD_SDK_PROJECT_ID: the graphs' project; empty, the function's own (RUNTIME_PROJECT_ID)"
  type        = string
  default     = ""
}

variable "function_name" {
  description = "The function's name, in the app `default`; also the agency's, the policy's and the API group's"
  type        = string
  default     = "ges-stop"
}

variable "memory_size" {
  description = "The function's memory, in MB"
  type        = number
  default     = 128
}

variable "timeout_seconds" {
  description = "The function's timeout, in seconds (3 to 259,200; a timer invokes synchronously, at most 900): above wait_timeout_seconds"
  type        = number
  default     = 120
}

variable "wait_timeout_seconds" {
  description = "GES_WAIT_TIMEOUT_SECS: how long `\"wait\": true` waits for stop jobs; below timeout_seconds, and below the gateway's apig_timeout_ms"
  type        = number
  default     = 50
}

variable "graph_ids" {
  description = "GES_GRAPH_IDS: the graphs the timer's default run stops, comma-separated"
  type        = string
  default     = ""
}

variable "selectors" {
  description = "GES_SELECTORS: or the fleet selectors it stops, as JSON"
  type        = string
  default     = ""
}

variable "schedules" {
  description = "GES_SCHEDULES: the schedules document, on one line (all variables together fit in 4,096 characters)"
  type        = string
  default     = ""
}

variable "schedules_file" {
  description = "GES_SCHEDULES_FILE: or its path in the code package, such as /opt/function/code/schedules.json"
  type        = string
  default     = ""
}

variable "allowed_graph_ids" {
  description = "GES_ALLOWED_GRAPH_IDS: the only graphs any caller may stop; empty, any"
  type        = string
  default     = ""
}

variable "allowed_project_ids" {
  description = "GES_ALLOWED_PROJECT_IDS: the only projects the function may act in; empty, any"
  type        = string
  default     = ""
}

variable "max_graphs" {
  description = "GES_MAX_GRAPHS: how many graphs selectors may select before a run is refused"
  type        = number
  default     = 100
}

variable "idle_checks" {
  description = "Whether schedules use stop_when_idle or spare_busy: the agency may then read Cloud Eye (ces:metricData:list)"
  type        = bool
  default     = false
}

variable "timer_schedule_type" {
  description = "The timer's rule: Cron or Rate"
  type        = string
  default     = "Cron"
}

variable "timer_schedule" {
  description = "A cron expression (seconds minutes hours day-of-month month [day-of-week], CRON_TZ first for a time zone) or a rate (10m, 1h, 1d)"
  type        = string
  default     = "CRON_TZ=Asia/Shanghai 0 0 20 * * *"
}

variable "timer_user_event" {
  description = "The timer event's user_event: empty for the default run, or an event of ours as JSON, such as {\"reconcile\": true}"
  type        = string
  default     = ""
}

variable "apig_instance_id" {
  description = "A dedicated API Gateway's instance ID: an API group and an IAM-authenticated API are made in it; empty, no HTTP trigger"
  type        = string
  default     = ""
}

variable "apig_timeout_ms" {
  description = "How long the gateway waits for the function, in milliseconds (1 to 60,000)"
  type        = number
  default     = 60000
}

variable "alarm_topic_urn" {
  description = "An SMN topic the error alarm notifies; empty, the alarm only shows in Cloud Eye"
  type        = string
  default     = ""
}

variable "smn_topic_urn" {
  description = "An SMN topic whose messages are events for the function; empty, no SMN trigger"
  type        = string
  default     = ""
}
