//! `deploy/template.yaml`, the AWS SAM template users deploy, against cfn-lint (from PyPI,
//! installed into .venv by scripts/test), and against what the function actually reads.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ges_stop_e2e::{python, workspace_root};
use serde_json::Value;

fn template_path() -> PathBuf {
    workspace_root().join("deploy/template.yaml")
}

/// Runs cfn-lint on a template. cfn-lint has no `__main__`, so its console script's
/// entry point is called through the venv's Python (which `GES_STOP_PYTHON` can replace).
fn cfn_lint(template: &Path) -> Output {
    Command::new(python())
        .args([
            "-c",
            "import sys; from cfnlint.runner import main; sys.exit(main())",
        ])
        .arg(template)
        .output()
        .expect("cfn-lint runs")
}

fn shown(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn cfn_lint_finds_nothing_in_the_template() {
    // Exit 0 means no error, no warning and no informational finding (cfn-lint's exit
    // code is a bit set: 2 errors, 4 warnings, 8 informational).
    let output = cfn_lint(&template_path());
    assert!(output.status.success(), "{}", shown(&output));
    assert!(output.stdout.is_empty(), "{}", shown(&output));
}

#[test]
fn cfn_lint_catches_a_broken_template() {
    // The same template with a typo in a resource name: proves the check above can fail.
    let template = std::fs::read_to_string(template_path()).unwrap();
    let broken = template.replacen(
        "!GetAtt DeadLetterQueue.Arn",
        "!GetAtt DeadLetterQueu.Arn",
        1,
    );
    assert_ne!(template, broken);
    let dir = std::env::temp_dir().join(format!("ges-deploy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.yaml");
    std::fs::write(&path, broken).unwrap();
    let output = cfn_lint(&path);
    std::fs::remove_dir_all(&dir).ok();
    let errors_found = output.status.code().is_some_and(|code| code & 2 != 0);
    assert!(errors_found, "{}", shown(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("DeadLetterQueu"),
        "{}",
        shown(&output)
    );
}

/// The template as JSON, its short-form tags (`!Ref`, `!If`) in their long form, read by
/// cfn-lint's own decoder.
fn template() -> Value {
    let output = Command::new(python())
        .args([
            "-c",
            "import json, sys\n\
             from cfnlint.decode import decode\n\
             template, problems = decode(sys.argv[1])\n\
             if problems: sys.exit(str(problems))\n\
             print(json.dumps(template, default=str))",
        ])
        .arg(template_path())
        .output()
        .expect("python runs");
    assert!(output.status.success(), "{}", shown(&output));
    serde_json::from_slice(&output.stdout).expect("the decoder prints JSON")
}

fn function(template: &Value) -> &Value {
    let functions: Vec<&Value> = template["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|resource| resource["Type"] == "AWS::Serverless::Function")
        .collect();
    assert_eq!(functions.len(), 1, "one function");
    functions[0]
}

#[test]
fn the_function_is_built_by_cargo_lambda_for_arm64() {
    let template = template();
    assert_eq!(template["Transform"], "AWS::Serverless-2016-10-31");
    let function = function(&template);
    assert_eq!(function["Metadata"]["BuildMethod"], "rust-cargolambda");
    assert_eq!(
        function["Metadata"]["BuildProperties"]["Binary"],
        "ges-stop-lambda"
    );
    let properties = &function["Properties"];
    assert_eq!(properties["Runtime"], "provided.al2023");
    assert_eq!(properties["Handler"], "bootstrap");
    assert_eq!(properties["Architectures"], serde_json::json!(["arm64"]));
    assert_eq!(properties["LoggingConfig"]["LogFormat"], "JSON");
    assert_eq!(properties["FunctionUrlConfig"]["AuthType"], "AWS_IAM");

    // SAM runs `cargo lambda build` in CodeUri and takes target/lambda/BINARY/bootstrap
    // from there: it must be the workspace root, and the binary must exist.
    let code_uri = properties["CodeUri"].as_str().expect("CodeUri is a path");
    let root = workspace_root().join("deploy").join(code_uri);
    assert_eq!(
        root.canonicalize().unwrap(),
        workspace_root().canonicalize().unwrap(),
        "CodeUri is the workspace root"
    );
    let manifest = std::fs::read_to_string(root.join("function/Cargo.toml")).unwrap();
    assert!(
        manifest.contains("name = \"ges-stop-lambda\""),
        "function/Cargo.toml has the ges-stop-lambda binary"
    );
}

#[test]
fn the_function_may_read_one_secret_and_nothing_else() {
    let template = template();
    let properties = &function(&template)["Properties"];
    let policies = properties["Policies"]
        .as_array()
        .expect("Policies is a list");
    assert_eq!(policies.len(), 1, "{policies:?}");
    assert_eq!(
        policies[0]["AWSSecretsManagerGetSecretValuePolicy"]["SecretArn"]["Ref"],
        "CredentialsSecretArn"
    );
    assert_eq!(
        properties["Environment"]["Variables"]["HUAWEICLOUD_SDK_SECRET_ID"]["Ref"],
        "CredentialsSecretArn"
    );
    assert!(
        properties.get("Role").is_none(),
        "the function's role is SAM's, from Policies"
    );
    let resources = template["Resources"].as_object().unwrap();
    assert!(
        resources
            .values()
            .all(|resource| resource["Type"] != "AWS::IAM::Policy"
                && resource["Type"] != "AWS::IAM::ManagedPolicy"),
        "no hand-written policy widens it"
    );
    // The one hand-written role is EventBridge Scheduler's, for both schedules: it may
    // invoke this function and dead-letter what it gives up, nothing else.
    let roles: Vec<&str> = resources
        .iter()
        .filter(|(_, resource)| resource["Type"] == "AWS::IAM::Role")
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(roles, ["SchedulerRole"], "no other role");
    let role = &resources["SchedulerRole"]["Properties"];
    let trust = role["AssumeRolePolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    assert_eq!(trust.len(), 1, "{trust:?}");
    assert_eq!(
        trust[0]["Principal"],
        serde_json::json!({"Service": "scheduler.amazonaws.com"})
    );
    assert_eq!(trust[0]["Action"], "sts:AssumeRole");
    assert!(role.get("ManagedPolicyArns").is_none(), "{role}");
    let policies = role["Policies"].as_array().unwrap();
    assert_eq!(policies.len(), 1, "{policies:?}");
    let statements = policies[0]["PolicyDocument"]["Statement"]
        .as_array()
        .unwrap();
    assert_eq!(
        statements,
        &[
            serde_json::json!({"Effect": "Allow", "Action": "lambda:InvokeFunction",
                "Resource": {"Fn::GetAtt": [function_name(&template), "Arn"]}}),
            serde_json::json!({"Effect": "Allow", "Action": "sqs:SendMessage",
                "Resource": {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}}),
        ]
    );
}

/// The logical id of the one function.
fn function_name(template: &Value) -> &str {
    template["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, resource)| resource["Type"] == "AWS::Serverless::Function")
        .map(|(name, _)| name.as_str())
        .expect("a function")
}

#[test]
fn every_trigger_of_the_issue_is_wired() {
    let template = template();
    let events = function(&template)["Properties"]["Events"]
        .as_object()
        .unwrap()
        .values()
        .collect::<Vec<_>>();

    let schedule = events
        .iter()
        .find(|event| event["Type"] == "ScheduleV2")
        .expect("an EventBridge Scheduler schedule");
    let schedule = &schedule["Properties"];
    for property in [
        "ScheduleExpression",
        "ScheduleExpressionTimezone",
        "RetryPolicy",
        "DeadLetterConfig",
        "Input",
        "RoleArn",
    ] {
        assert!(schedule.get(property).is_some(), "schedule {property}");
    }

    // Schedules: a second Scheduler schedule, there only when ReconcileRate is given,
    // that sends the reconcile event with the time it was meant for, and is delivered,
    // retried and dead-lettered as the stop schedule is.
    let reconcile = &template["Resources"]["ReconcileSchedule"];
    assert_eq!(reconcile["Type"], "AWS::Scheduler::Schedule");
    let condition = reconcile["Condition"].as_str().expect("a condition");
    assert_eq!(
        template["Conditions"][condition],
        serde_json::json!({"Fn::Not": [{"Fn::Equals": [{"Ref": "ReconcileRate"}, ""]}]})
    );
    let properties = &reconcile["Properties"];
    assert_eq!(properties["ScheduleExpression"]["Ref"], "ReconcileRate");
    let target = &properties["Target"];
    assert_eq!(
        target["Arn"],
        serde_json::json!({"Fn::GetAtt": [function_name(&template), "Arn"]})
    );
    let input: Value = serde_json::from_str(target["Input"].as_str().unwrap()).unwrap();
    assert_eq!(
        input,
        serde_json::json!({"reconcile": true, "at": "<aws.scheduler.scheduled-time>"})
    );
    for property in ["RoleArn", "RetryPolicy", "DeadLetterConfig"] {
        assert_eq!(target[property], schedule[property], "reconcile {property}");
    }

    let routes: Vec<&Value> = events
        .iter()
        .filter(|event| event["Type"] == "HttpApi")
        .map(|event| &event["Properties"])
        .collect();
    let stop = routes
        .iter()
        .find(|route| route["Path"] == "/graphs/{graph_id}/stop")
        .expect("POST /graphs/{graph_id}/stop");
    assert_eq!(stop["Method"], "POST");
    let fleet = routes
        .iter()
        .find(|route| route["Path"] == "/fleet/stop")
        .expect("POST /fleet/stop");
    assert_eq!(fleet["Method"], "POST");
    assert_eq!(fleet["ApiId"], stop["ApiId"]);
    let reconcile = routes
        .iter()
        .find(|route| route["Path"] == "/reconcile")
        .expect("POST /reconcile");
    assert_eq!(reconcile["Method"], "POST");
    assert_eq!(reconcile["ApiId"], stop["ApiId"]);
    for route in &routes {
        assert_eq!(route["Auth"]["Authorizer"], "AWS_IAM", "{route}");
    }
    let api = &template["Resources"][stop["ApiId"]["Ref"].as_str().unwrap()];
    assert_eq!(api["Type"], "AWS::Serverless::HttpApi");
    assert_eq!(api["Properties"]["Auth"]["EnableIamAuthorizer"], true);
    assert_eq!(api["Properties"]["Auth"]["DefaultAuthorizer"], "AWS_IAM");
}

#[test]
fn every_variable_the_template_sets_is_one_the_function_reads() {
    // A misspelt name would be ignored by the function, silently: check each against the
    // function's source, and against the README's configuration tables.
    let template = template();
    let variables = function(&template)["Properties"]["Environment"]["Variables"]
        .as_object()
        .unwrap();
    let source = rust_sources(&workspace_root().join("client/src"))
        + &rust_sources(&workspace_root().join("function/src"));
    let readme = std::fs::read_to_string(workspace_root().join("README.md")).unwrap();
    for name in variables.keys() {
        assert!(
            source.contains(&format!("\"{name}\"")),
            "{name} is not a variable client/src or function/src reads"
        );
        assert!(
            readme.contains(&format!("| `{name}` |")),
            "{name} has no row in the README's configuration tables"
        );
    }
}

fn rust_sources(dir: &Path) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            text.push_str(&rust_sources(&path));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            text.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    text
}
