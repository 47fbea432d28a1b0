//! `deploy/functiongraph/`, the Terraform configuration of README.md's "Run on
//! FunctionGraph", read with python-hcl2 (from PyPI, installed into .venv by scripts/test)
//! and held to what that section promises; and `terraform fmt -check` where a terraform
//! binary is on PATH. Huawei Cloud's provider cannot be installed here, so nothing runs
//! `terraform validate`: these checks are what stands in for it.

use std::path::{Path, PathBuf};
use std::process::Command;

use ges_stop_e2e::{python, workspace_root};
use serde_json::{Map, Value};

fn configuration_dir() -> PathBuf {
    workspace_root().join("deploy/functiongraph")
}

fn readme() -> String {
    std::fs::read_to_string(workspace_root().join("README.md")).unwrap()
}

/// Reads every `*.tf` file of the folder `sys.argv[1]` with python-hcl2 and prints them
/// merged, as JSON.
const READER: &str = r#"
import glob, json, os, sys
import hcl2

options = hcl2.SerializationOptions(
    with_comments=False, explicit_blocks=False, strip_string_quotes=True
)
merged = {}
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.tf"))):
    with open(path) as file:
        for kind, items in hcl2.load(file, serialization_options=options).items():
            merged.setdefault(kind, []).extend(items)
print(json.dumps(merged))
"#;

/// The configuration's files, read by python-hcl2 and merged: each top-level kind
/// (`resource`, `variable`, `locals`, ...) a list of what every file declares of it.
/// Strings come without their quotes; an expression stays as HCL wrote it, in `${...}`.
#[derive(Debug)]
struct Configuration {
    parsed: Map<String, Value>,
}

impl Configuration {
    fn read(dir: &Path) -> Self {
        let output = Command::new(python())
            .args(["-c", READER])
            .arg(dir)
            .output()
            .expect("python runs");
        assert!(
            output.status.success(),
            "python-hcl2 cannot read {}: {}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        let parsed: Value = serde_json::from_slice(&output.stdout).expect("the reader prints JSON");
        let Value::Object(parsed) = parsed else {
            panic!("the reader prints an object")
        };
        Self { parsed }
    }

    /// The items of one kind, each `{name: body}` (resources `{type: {name: body}}`).
    fn items(&self, kind: &str) -> impl Iterator<Item = &Map<String, Value>> {
        self.parsed
            .get(kind)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
    }

    fn resource(&self, kind: &str, name: &str) -> Option<&Value> {
        self.items("resource")
            .filter_map(|item| item.get(kind)?.get(name))
            .next()
    }

    fn variable_default(&self, name: &str) -> Option<&Value> {
        self.items("variable")
            .filter_map(|item| item.get(name)?.get("default"))
            .next()
    }

    fn local(&self, name: &str) -> Option<&Value> {
        self.items("locals")
            .filter_map(|item| item.get(name))
            .next()
    }

    /// A value as deployed with every variable at its default: a literal as it is, a
    /// reference to a variable or a local (and nothing else) as what it refers to. Any
    /// other expression is not worked out: `None`.
    fn resolve<'v>(&'v self, value: &'v Value) -> Option<&'v Value> {
        let Some(text) = value.as_str() else {
            return Some(value);
        };
        let Some(reference) = text
            .strip_prefix("${")
            .and_then(|rest| rest.strip_suffix('}'))
        else {
            return (!text.contains("${")).then_some(value);
        };
        if let Some(name) = reference.strip_prefix("var.") {
            self.variable_default(name).and_then(|v| self.resolve(v))
        } else if let Some(name) = reference.strip_prefix("local.") {
            self.local(name).and_then(|v| self.resolve(v))
        } else {
            None
        }
    }

    /// A number, from a literal or a reference, written as a number or a string.
    fn number(&self, value: Option<&Value>) -> Option<f64> {
        match self.resolve(value?)? {
            Value::Number(number) => number.as_f64(),
            Value::String(text) => text.parse().ok(),
            _ => None,
        }
    }

    fn text<'v>(&'v self, value: Option<&'v Value>) -> Option<&'v str> {
        self.resolve(value?)?.as_str()
    }
}

/// The first block of a block list (`timer { ... }` reads as `"timer": [{...}]`).
fn block<'v>(body: &'v Value, name: &str) -> Option<&'v Value> {
    body.get(name)?.as_array()?.first()
}

/// README.md's "Run on FunctionGraph" section, up to the next section of its level.
fn functiongraph_section(readme: &str) -> &str {
    let start = readme
        .find("\n## Run on FunctionGraph\n")
        .expect("README.md has the section \"Run on FunctionGraph\"");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |at| at + 3);
    &rest[..end]
}

/// The variables the section's table (`| variable | required | on FunctionGraph |`)
/// marks required: every backticked name in the first cell of a `yes` row.
fn required_variables(section: &str) -> Vec<String> {
    let table = section
        .split("| variable | required | on FunctionGraph |\n")
        .nth(1)
        .expect("the section has the table of variables");
    let mut required = Vec::new();
    for row in table
        .lines()
        .skip(1)
        .take_while(|line| line.starts_with('|'))
    {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        if cells.get(2) == Some(&"yes") {
            required.extend(cells[1].split('`').skip(1).step_by(2).map(str::to_owned));
        }
    }
    assert!(
        !required.is_empty(),
        "the table marks some variable required"
    );
    required
}

/// The actions of the section's agency policy: the first JSON block after "The agency".
fn policy_actions(section: &str) -> Vec<String> {
    let after = section
        .split("**2. The agency.**")
        .nth(1)
        .expect("the section has step 2, the agency");
    let json = after
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("step 2 shows the policy as JSON");
    let policy: Value = serde_json::from_str(json).expect("the README's policy is JSON");
    policy["Statement"][0]["Action"]
        .as_array()
        .expect("the policy's first statement has actions")
        .iter()
        .map(|action| action.as_str().unwrap().to_owned())
        .collect()
}

/// Is this a timer rule FunctionGraph takes ("Cron Expressions for a Function Timer
/// Trigger", functiongraph_01_0908; rates: "Using a Timer Trigger", functiongraph_01_0207)?
fn timer_rule_problem(kind: &str, schedule: &str) -> Option<String> {
    match kind {
        "Rate" => {
            let unit_at = schedule.len().saturating_sub(1);
            let count: Option<u32> = schedule.get(..unit_at).and_then(|n| n.parse().ok());
            let fits = match (count, schedule.get(unit_at..)) {
                (Some(count), Some("m")) => (1..=60).contains(&count),
                (Some(count), Some("h")) => (1..=24).contains(&count),
                (Some(count), Some("d")) => (1..=30).contains(&count),
                _ => false,
            };
            (!fits).then(|| format!("the timer's rate {schedule:?} is not 1-60m, 1-24h or 1-30d"))
        }
        "Cron" => {
            if schedule.starts_with("@every ") {
                return None;
            }
            let fields = match schedule.strip_prefix("CRON_TZ=") {
                Some(rest) => rest.split_whitespace().skip(1).count(),
                None => schedule.split_whitespace().count(),
            };
            (!(5..=6).contains(&fields)).then(|| {
                format!(
                    "the timer's schedule {schedule:?} is not seconds minutes hours \
                     day-of-month month [day-of-week], nor @every"
                )
            })
        }
        other => Some(format!(
            "the timer's schedule_type is {other:?}, not Cron or Rate"
        )),
    }
}

/// Everything in the configuration that breaks a promise of the README, each in a line.
fn problems(config: &Configuration, readme: &str) -> Vec<String> {
    let section = functiongraph_section(readme);
    let mut problems = Vec::new();
    let mut expect = |holds: bool, problem: String| {
        if !holds {
            problems.push(problem);
        }
    };

    let environment = config
        .local("environment")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let wait = config.number(environment.get("GES_WAIT_TIMEOUT_SECS"));
    expect(
        wait.is_some(),
        "local.environment sets no GES_WAIT_TIMEOUT_SECS, or not to a number".to_owned(),
    );
    let wait = wait.unwrap_or(f64::INFINITY);

    // The function: a custom runtime running the package's bootstrap, with the agency,
    // the environment, LTS logs, and a timeout above the wait.
    let Some(function) = config.resource("huaweicloud_fgs_function", "ges_stop") else {
        return vec!["no huaweicloud_fgs_function.ges_stop".to_owned()];
    };
    for (argument, wanted) in [
        ("runtime", "Custom"),
        ("handler", "bootstrap"),
        ("code_type", "zip"),
        ("agency", "${huaweicloud_identity_agency.ges_stop.name}"),
        ("user_data", "${jsonencode(local.environment)}"),
    ] {
        let actual = function.get(argument).and_then(Value::as_str);
        expect(
            actual == Some(wanted),
            format!("the function's {argument} is {actual:?}, not {wanted:?}"),
        );
    }
    expect(
        function.get("enable_lts_log") == Some(&Value::Bool(true)),
        "the function does not log to LTS (enable_lts_log)".to_owned(),
    );
    let timeout = config.number(function.get("timeout"));
    expect(
        timeout.is_some_and(|timeout| timeout > wait),
        format!("the function's timeout {timeout:?} s is not above GES_WAIT_TIMEOUT_SECS {wait} s"),
    );

    // Every variable the README requires is set, to something; the whole environment
    // fits FunctionGraph's 4,096 characters with the defaults.
    for name in required_variables(section) {
        let value = config.text(environment.get(&name));
        expect(
            value.is_some_and(|value| !value.is_empty()),
            format!("the README requires {name}, which local.environment sets to {value:?}"),
        );
    }
    let size: usize = environment
        .iter()
        .map(|(name, value)| name.len() + config.text(Some(value)).map_or(0, str::len))
        .sum();
    expect(
        size <= 4096,
        format!("the default environment takes {size} characters, more than FunctionGraph's 4,096"),
    );
    for name in environment.keys() {
        expect(
            readme.contains(&format!("`{name}`")),
            format!("local.environment sets {name}, which README.md does not describe"),
        );
    }

    // The agency: delegated to FunctionGraph, with the README's GES actions.
    let agency = config.resource("huaweicloud_identity_agency", "ges_stop");
    let delegated = agency.and_then(|a| a.get("delegated_domain_name"));
    expect(
        delegated.and_then(Value::as_str) == Some("op_svc_cff"),
        format!("the agency is delegated to {delegated:?}, not to FunctionGraph (op_svc_cff)"),
    );
    let roles = agency
        .and_then(|a| block(a, "project_role"))
        .and_then(|role| role.get("roles"));
    expect(
        roles.and_then(Value::as_array).is_some_and(|roles| {
            roles.contains(&Value::from("${huaweicloud_identity_role.ges_stop.name}"))
        }),
        format!("the agency's project roles {roles:?} leave out the custom policy"),
    );
    let policy = config
        .resource("huaweicloud_identity_role", "ges_stop")
        .and_then(|role| role.get("policy"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    expect(
        policy.contains("local.ges_actions") && policy.contains("\"1.1\""),
        "the custom policy is not a version 1.1 policy of local.ges_actions".to_owned(),
    );
    let actions: Vec<String> = config
        .local("ges_actions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let promised = policy_actions(section);
    expect(
        actions == promised,
        format!("the policy's GES actions {actions:?} are not the README's {promised:?}"),
    );

    // The timer: a rule FunctionGraph takes, the README's default, the default run.
    match config.resource("huaweicloud_fgs_trigger", "timer") {
        None => expect(false, "no huaweicloud_fgs_trigger.timer".to_owned()),
        Some(trigger) => {
            expect(
                trigger.get("type").and_then(Value::as_str) == Some("TIMER"),
                "the timer trigger's type is not TIMER".to_owned(),
            );
            let timer = block(trigger, "timer");
            let kind = config.text(timer.and_then(|t| t.get("schedule_type")));
            let schedule = config.text(timer.and_then(|t| t.get("schedule")));
            match (kind, schedule) {
                (Some(kind), Some(schedule)) => {
                    if let Some(problem) = timer_rule_problem(kind, schedule) {
                        expect(false, problem);
                    }
                    expect(
                        section.contains(&format!("`{schedule}`")),
                        format!("the timer's default schedule {schedule:?} is not the README's"),
                    );
                }
                _ => expect(
                    false,
                    "the timer has no schedule_type and schedule".to_owned(),
                ),
            }
            let user_event = config.text(timer.and_then(|t| t.get("additional_information")));
            expect(
                user_event == Some(""),
                format!(
                    "the timer's default user_event is {user_event:?}, not empty (the default run)"
                ),
            );
        }
    }

    // HTTP: a dedicated gateway's API, IAM-authenticated, waiting longer than the wait.
    match config.resource("huaweicloud_fgs_trigger", "apig") {
        None => expect(false, "no huaweicloud_fgs_trigger.apig".to_owned()),
        Some(trigger) => {
            expect(
                trigger.get("type").and_then(Value::as_str) == Some("DEDICATEDGATEWAY"),
                "the API Gateway trigger is not a dedicated gateway's (DEDICATEDGATEWAY)"
                    .to_owned(),
            );
            let apig = block(trigger, "apig");
            let authentication = apig
                .and_then(|a| a.get("security_authentication"))
                .and_then(Value::as_str);
            expect(
                authentication == Some("IAM"),
                format!("the API's security authentication is {authentication:?}, not IAM"),
            );
            let gateway = config.number(apig.and_then(|a| a.get("timeout")));
            expect(
                gateway.is_some_and(|ms| ms <= 60_000.0 && ms > wait * 1000.0),
                format!(
                    "the gateway's timeout {gateway:?} ms is not within 60,000 and above \
                     GES_WAIT_TIMEOUT_SECS {wait} s"
                ),
            );
        }
    }

    // Failures reach the team: an alarm on FunctionGraph's error metric for this function.
    let alarm = config.resource("huaweicloud_ces_alarmrule", "function_errors");
    let namespace = alarm
        .and_then(|a| block(a, "metric"))
        .and_then(|m| m.get("namespace"))
        .and_then(Value::as_str);
    let metric = alarm
        .and_then(|a| block(a, "condition"))
        .and_then(|c| c.get("metric_name"))
        .and_then(Value::as_str);
    let dimension = alarm
        .and_then(|a| block(a, "resources"))
        .and_then(|r| r.get("dimensions"))
        .and_then(Value::as_array)
        .and_then(|d| d.first());
    expect(
        namespace == Some("SYS.FunctionGraph") && metric == Some("failcount"),
        format!("the alarm watches {namespace:?} {metric:?}, not SYS.FunctionGraph failcount"),
    );
    expect(
        dimension.is_some_and(|d| {
            d["name"] == "package-functionname" && d["value"] == "default-${var.function_name}"
        }),
        format!(
            "the alarm's dimension {dimension:?} is not package-functionname = default-FUNCTION"
        ),
    );
    problems
}

#[test]
fn the_configuration_keeps_the_readmes_promises() {
    let problems = problems(&Configuration::read(&configuration_dir()), &readme());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The configuration with one promise broken, in a folder of its own.
fn broken(file: &str, from: &str, to: &str) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!(
        "ges-fg-deploy-{}-{}",
        std::process::id(),
        from.len() * 31 + to.len()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(configuration_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "tf") {
            let mut text = std::fs::read_to_string(&path).unwrap();
            if path.file_name().unwrap() == file {
                let changed = text.replacen(from, to, 1);
                assert_ne!(changed, text, "{file} has no {from:?}");
                text = changed;
            }
            std::fs::write(dir.join(path.file_name().unwrap()), text).unwrap();
        }
    }
    let problems = problems(&Configuration::read(&dir), &readme());
    std::fs::remove_dir_all(&dir).ok();
    problems
}

#[test]
fn each_broken_promise_is_found() {
    let cases = [
        (
            "main.tf",
            "runtime       = \"Custom\"",
            "runtime       = \"Python3.10\"",
            "runtime",
        ),
        (
            "main.tf",
            "handler       = \"bootstrap\"",
            "handler       = \"index.handler\"",
            "handler",
        ),
        (
            "main.tf",
            "  agency    = huaweicloud_identity_agency.ges_stop.name\n",
            "",
            "agency",
        ),
        (
            "main.tf",
            "    HUAWEICLOUD_SDK_REGION     = var.region\n",
            "",
            "HUAWEICLOUD_SDK_REGION",
        ),
        ("main.tf", "\"op_svc_cff\"", "\"op_svc_ecs\"", "op_svc_cff"),
        ("main.tf", "\"ges:graph:operate\", ", "", "GES actions"),
        (
            "main.tf",
            "security_authentication = \"IAM\"",
            "security_authentication = \"NONE\"",
            "IAM",
        ),
        (
            "main.tf",
            "= \"DEDICATEDGATEWAY\"",
            "= \"APIG\"",
            "dedicated",
        ),
        (
            "main.tf",
            "metric_name         = \"failcount\"",
            "metric_name         = \"count\"",
            "failcount",
        ),
        (
            "main.tf",
            "enable_lts_log = true",
            "enable_lts_log = false",
            "LTS",
        ),
        (
            "variables.tf",
            "default     = 120",
            "default     = 45",
            "timeout",
        ),
        (
            "variables.tf",
            "default     = 60000",
            "default     = 30000",
            "gateway",
        ),
        (
            "variables.tf",
            "\"CRON_TZ=Asia/Shanghai 0 0 20 * * *\"",
            "\"CRON_TZ=Asia/Shanghai 0 20 * *\"",
            "schedule",
        ),
        (
            "variables.tf",
            "\"CRON_TZ=Asia/Shanghai 0 0 20 * * *\"",
            "\"CRON_TZ=Asia/Shanghai 0 0 21 * * *\"",
            "README's",
        ),
        (
            "variables.tf",
            "default     = \"Cron\"",
            "default     = \"Rate\"",
            "rate",
        ),
    ];
    for (file, from, to, named) in cases {
        let problems = broken(file, from, to);
        assert!(
            problems.iter().any(|problem| problem.contains(named)),
            "{file} with {from:?} as {to:?}: no problem names {named:?}: {problems:#?}"
        );
    }
}

#[test]
fn terraform_fmt_finds_nothing_where_terraform_is_at_hand() {
    let fmt = |dir: &Path| {
        Command::new("terraform")
            .args(["fmt", "-check", "-diff", "-no-color"])
            .arg(dir)
            .output()
    };
    let output = match fmt(&configuration_dir()) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            eprintln!(
                "skipped: no terraform on PATH, so `terraform fmt -check` did not run \
                 (the python-hcl2 checks above still read deploy/functiongraph/)"
            );
            return;
        }
        other => other.expect("terraform runs"),
    };
    assert!(
        output.status.success(),
        "terraform fmt -check: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );

    // The same check on a file whose alignment is off: it fails.
    let dir = std::env::temp_dir().join(format!("ges-fg-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(configuration_dir().join("main.tf")).unwrap();
    let misaligned = text.replacen("  type         = \"TIMER\"", "  type = \"TIMER\"", 1);
    assert_ne!(text, misaligned);
    std::fs::write(dir.join("main.tf"), misaligned).unwrap();
    let output = fmt(&dir).expect("terraform runs");
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        !output.status.success(),
        "terraform fmt -check let misaligned code pass"
    );
}
