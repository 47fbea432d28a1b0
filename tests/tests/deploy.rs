//! `deploy/template.yaml`, the AWS SAM template users deploy, against cfn-lint (from PyPI,
//! installed into .venv by scripts/test), and against what the function actually reads.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ges_stop_e2e::{python, workspace_root};
use serde_json::{Map, Value, json};

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
    // (In a plain resource: cfn-lint, without SAM's translator, does not read the
    // references in a SAM function's Policies; the tests below check those.)
    let template = std::fs::read_to_string(template_path()).unwrap();
    let broken = template.replacen(
        "Destination: !GetAtt DeadLetterQueue.Arn",
        "Destination: !GetAtt DeadLetterQueu.Arn",
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
fn the_function_is_built_by_cargo_lambda_for_its_architecture() {
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
    // `sam build` reads the architecture from Architectures (--arm64 for arm64): one
    // parameter decides both the build and the deployment, arm64 unless told.
    assert_eq!(
        properties["Architectures"],
        json!([{"Ref": "Architecture"}])
    );
    let architecture = &template["Parameters"]["Architecture"];
    assert_eq!(architecture["Default"], "arm64");
    assert_eq!(architecture["AllowedValues"], json!(["arm64", "x86_64"]));
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

/// A secret-mode deployment, as README.md, "Deploy", has it.
const SECRET_MODE: &[(&str, &str)] = &[
    ("GraphIds", "g-1"),
    (
        "CredentialsSecretArn",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ges-stop/huaweicloud-AbCdEf",
    ),
    (
        "SecretsExtensionLayerArn",
        "arn:aws:lambda:eu-west-1:015030872274:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:12",
    ),
];

/// A federation-mode deployment, as README.md, "Deploy without keys", has it.
const FEDERATION_MODE: &[(&str, &str)] = &[
    ("GraphIds", "g-1"),
    ("CredentialsMode", "federation"),
    ("ProjectId", "0123456789abcdef0123456789abcdef"),
    ("FederationAudience", "ges-stop"),
    (
        "FederationProviderUrn",
        "iam::0a1b2c3d4e5f60718293a4b5c6d7e8f9:oidcProvider:aws-ges-stop",
    ),
    (
        "FederationAgencyUrn",
        "iam::0a1b2c3d4e5f60718293a4b5c6d7e8f9:agency:ges-stop",
    ),
];

/// The template as CloudFormation would deploy it with these parameter values: its
/// conditions evaluated, each `Fn::If` replaced by its branch, `AWS::NoValue` and the
/// resources whose condition is false left out, and its rules checked. Knows the
/// functions the template uses (refuses any other), so a test reads what one mode deploys.
#[derive(Debug)]
struct Deployment<'t> {
    template: &'t Value,
    parameters: BTreeMap<String, String>,
}

impl<'t> Deployment<'t> {
    /// The template's defaults, and the values given (a later one wins).
    fn new(template: &'t Value, given: &[(&str, &str)]) -> Self {
        let declared = template["Parameters"].as_object().unwrap();
        let mut parameters: BTreeMap<String, String> = declared
            .iter()
            .filter_map(|(name, parameter)| {
                let default = match &parameter["Default"] {
                    Value::Null => return None,
                    Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                Some((name.clone(), default))
            })
            .collect();
        for (name, value) in given {
            assert!(declared.contains_key(*name), "no parameter {name}");
            parameters.insert((*name).to_owned(), (*value).to_owned());
        }
        for name in declared.keys() {
            assert!(
                parameters.contains_key(name),
                "{name} has no default: give it"
            );
        }
        Deployment {
            template,
            parameters,
        }
    }

    fn condition(&self, name: &str) -> bool {
        let condition = &self.template["Conditions"][name];
        assert!(!condition.is_null(), "no condition {name}");
        self.holds(condition)
    }

    fn holds(&self, expression: &Value) -> bool {
        let (function, arguments) = only_entry(expression);
        match function {
            "Fn::Equals" => self.scalar(&arguments[0]) == self.scalar(&arguments[1]),
            "Fn::Not" => !self.holds(&arguments[0]),
            "Fn::And" => arguments.as_array().unwrap().iter().all(|a| self.holds(a)),
            "Fn::Or" => arguments.as_array().unwrap().iter().any(|a| self.holds(a)),
            "Condition" => self.condition(arguments.as_str().unwrap()),
            // A rule's function: every member of the list is the string.
            "Fn::EachMemberEquals" => {
                let wanted = self.scalar(&arguments[1]);
                self.members(&arguments[0])
                    .iter()
                    .all(|member| *member == wanted)
            }
            other => panic!("the test does not evaluate {other}: {expression}"),
        }
    }

    fn scalar(&self, value: &Value) -> String {
        match value {
            Value::String(text) => text.clone(),
            Value::Object(object) if object.contains_key("Fn::Join") => {
                let arguments = &object["Fn::Join"];
                let separator = arguments[0].as_str().expect("a separator");
                self.members(&arguments[1]).join(separator)
            }
            Value::Object(_) => {
                let name = value["Ref"].as_str().expect("a string, a Join or a Ref");
                self.parameters[name].clone()
            }
            other => panic!("the test does not compare {other}"),
        }
    }

    /// The members of a list: a `Ref` to a `CommaDelimitedList` parameter, split as
    /// CloudFormation splits it (members trimmed; an empty value is one empty member).
    fn members(&self, value: &Value) -> Vec<String> {
        let name = value["Ref"].as_str().expect("a Ref to a list parameter");
        assert_eq!(
            self.template["Parameters"][name]["Type"], "CommaDelimitedList",
            "{name} is not a list"
        );
        self.parameters[name]
            .split(',')
            .map(|member| member.trim().to_owned())
            .collect()
    }

    /// `value` resolved, with each `Ref` to a parameter replaced by what CloudFormation
    /// passes: the value (a list parameter's members). Resources' `Ref`s stay.
    fn deployed(&self, value: &Value) -> Value {
        fn substitute(deployment: &Deployment<'_>, value: Value) -> Value {
            match value {
                Value::Object(object) => {
                    if let Some(Value::String(name)) = object.get("Ref")
                        && object.len() == 1
                        && deployment.parameters.contains_key(name)
                    {
                        let parameter = &deployment.template["Parameters"][name];
                        return if parameter["Type"] == "CommaDelimitedList" {
                            json!(deployment.members(&Value::Object(object.clone())))
                        } else {
                            json!(deployment.parameters[name])
                        };
                    }
                    Value::Object(
                        object
                            .into_iter()
                            .map(|(key, value)| (key, substitute(deployment, value)))
                            .collect(),
                    )
                }
                Value::Array(items) => Value::Array(
                    items
                        .into_iter()
                        .map(|item| substitute(deployment, item))
                        .collect(),
                ),
                other => other,
            }
        }
        substitute(self, self.resolve(value).expect("a value"))
    }

    /// `value` with the conditions applied; `None` for `AWS::NoValue`.
    fn resolve(&self, value: &Value) -> Option<Value> {
        match value {
            Value::Object(object) if object.len() == 1 && object.contains_key("Fn::If") => {
                let arguments = object["Fn::If"].as_array().unwrap();
                let branch = if self.condition(arguments[0].as_str().unwrap()) {
                    &arguments[1]
                } else {
                    &arguments[2]
                };
                self.resolve(branch)
            }
            Value::Object(object) if object.get("Ref") == Some(&json!("AWS::NoValue")) => None,
            Value::Object(object) => Some(Value::Object(
                object
                    .iter()
                    .filter_map(|(key, value)| Some((key.clone(), self.resolve(value)?)))
                    .collect(),
            )),
            Value::Array(items) => Some(Value::Array(
                items.iter().filter_map(|item| self.resolve(item)).collect(),
            )),
            other => Some(other.clone()),
        }
    }

    /// The resources this deployment creates, resolved.
    fn resources(&self) -> Map<String, Value> {
        self.template["Resources"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, resource)| {
                resource["Condition"]
                    .as_str()
                    .is_none_or(|condition| self.condition(condition))
            })
            .map(|(name, resource)| (name.clone(), self.resolve(resource).unwrap()))
            .collect()
    }

    /// The one function's properties, resolved.
    fn function(&self) -> Value {
        let name = function_name(self.template);
        self.resources()[name]["Properties"].clone()
    }

    /// Why CloudFormation would refuse these parameters: the description of every
    /// assertion of the template's rules that fails.
    fn refusals(&self) -> Vec<String> {
        let rules = self.template["Rules"].as_object().unwrap();
        rules
            .values()
            .filter(|rule| {
                let condition = &rule["RuleCondition"];
                condition.is_null() || self.holds(condition)
            })
            .flat_map(|rule| rule["Assertions"].as_array().unwrap())
            .filter(|assertion| !self.holds(&assertion["Assert"]))
            .map(|assertion| assertion["AssertDescription"].as_str().unwrap().to_owned())
            .collect()
    }
}

fn only_entry(expression: &Value) -> (&str, &Value) {
    let object = expression.as_object().expect("a function");
    assert_eq!(object.len(), 1, "one function: {expression}");
    let (function, arguments) = object.iter().next().unwrap();
    (function.as_str(), arguments)
}

/// Whether `value` refers to the parameter or resource `name`: a `Ref`, a `Fn::GetAtt`,
/// or a `${name}` in a `Fn::Sub` string.
fn refers_to(value: &Value, name: &str) -> bool {
    match value {
        Value::Object(object) => {
            object.get("Ref") == Some(&json!(name))
                || object
                    .get("Fn::GetAtt")
                    .is_some_and(|target| target[0] == name)
                || object.values().any(|value| refers_to(value, name))
        }
        Value::Array(items) => items.iter().any(|item| refers_to(item, name)),
        Value::String(text) => text.contains(&format!("${{{name}}}")),
        _ => false,
    }
}

/// The variables of the federation mode, and the parameter each comes from.
const FEDERATION_VARIABLES: &[(&str, &str)] = &[
    ("GES_OIDC_AWS_AUDIENCE", "FederationAudience"),
    ("GES_OIDC_AWS_ALGORITHM", "FederationSigningAlgorithm"),
    ("GES_OIDC_AWS_DURATION_SECONDS", "FederationTokenSeconds"),
    ("HUAWEICLOUD_OIDC_PROVIDER_URN", "FederationProviderUrn"),
    ("HUAWEICLOUD_OIDC_AGENCY_URN", "FederationAgencyUrn"),
    ("HUAWEICLOUD_OIDC_SESSION_NAME", "FederationSessionName"),
    (
        "HUAWEICLOUD_OIDC_DURATION_SECONDS",
        "FederationSessionSeconds",
    ),
    ("HUAWEICLOUD_SDK_STS_ENDPOINT", "StsEndpoint"),
];

/// What every deployment's role may do besides its credentials mode's: Lambda sends a
/// failed asynchronous run to the dead-letter queue with the function's role (the
/// statement SAM generated when it wrote the OnFailure destination itself).
fn dead_letter_policy() -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": "sqs:SendMessage",
            "Resource": {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}}]
    })
}

#[test]
fn in_secret_mode_the_function_may_read_one_secret_and_nothing_else() {
    let template = template();
    // The default mode, as deployments made before the federation mode keep it.
    assert_eq!(
        template["Parameters"]["CredentialsMode"]["Default"],
        "secret"
    );
    let deployment = Deployment::new(&template, SECRET_MODE);
    assert_eq!(deployment.refusals(), Vec::<String>::new());
    let properties = deployment.function();
    assert_eq!(
        properties["Policies"],
        json!([
            {"AWSSecretsManagerGetSecretValuePolicy": {
                "SecretArn": {"Ref": "CredentialsSecretArn"}}},
            dead_letter_policy(),
        ])
    );
    let variables = &properties["Environment"]["Variables"];
    assert_eq!(
        variables["HUAWEICLOUD_SDK_SECRET_ID"],
        json!({"Ref": "CredentialsSecretArn"})
    );
    assert_eq!(
        properties["Layers"],
        json!([{"Ref": "SecretsExtensionLayerArn"}])
    );
    // Nothing of the federation mode: no variable a start-up would refuse beside the
    // secret, and no parameter of that mode read by any resource.
    let resources = Value::Object(deployment.resources());
    for (variable, parameter) in FEDERATION_VARIABLES {
        assert!(
            variables.get(variable).is_none(),
            "{variable} in secret mode"
        );
        assert!(
            !refers_to(&resources, parameter),
            "{parameter} in secret mode"
        );
    }
}

#[test]
fn in_federation_mode_the_function_may_ask_for_its_identity_token_for_one_audience() {
    let template = template();
    let deployment = Deployment::new(&template, FEDERATION_MODE);
    assert_eq!(deployment.refusals(), Vec::<String>::new());
    let properties = deployment.function();
    // One statement: the token, for the one audience (every member of the aud the call
    // asks for), no longer-lived than the function asks for. No secret to read.
    assert_eq!(
        properties["Policies"],
        json!([
            {
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Action": "sts:GetWebIdentityToken",
                    "Resource": "*",
                    "Condition": {
                        "ForAllValues:StringEquals": {
                            "sts:IdentityTokenAudience": {"Ref": "FederationAudience"}},
                        "NumericLessThanEqualsIfExists": {
                            "sts:DurationSeconds": {"Ref": "FederationTokenSeconds"}}}}]
            },
            dead_letter_policy(),
        ])
    );
    let variables = &properties["Environment"]["Variables"];
    for (variable, parameter) in FEDERATION_VARIABLES {
        assert_eq!(variables[variable], json!({"Ref": parameter}), "{variable}");
    }
    // The project is required in this mode (no start-up look-up): the rules refuse a
    // deployment without it.
    assert_eq!(
        variables["HUAWEICLOUD_SDK_PROJECT_ID"],
        json!({"Ref": "ProjectId"})
    );
    assert!(variables.get("HUAWEICLOUD_SDK_SECRET_ID").is_none());
    assert_eq!(properties["Layers"], json!([]), "no extension layer");
    // No resource, and no output, needs the secret or its extension.
    let resources = Value::Object(deployment.resources());
    let outputs = deployment.resolve(&template["Outputs"]).unwrap();
    for parameter in ["CredentialsSecretArn", "SecretsExtensionLayerArn"] {
        assert!(
            !refers_to(&resources, parameter),
            "{parameter} in federation mode"
        );
        assert!(
            !refers_to(&outputs, parameter),
            "{parameter} in federation mode"
        );
    }
    let policies = properties["Policies"].to_string();
    assert!(!policies.contains("secretsmanager"), "{policies}");
    // The trust agency's oidc:sub is the role's ARN: the stack tells it. SAM names the
    // role it generates for a function FUNCTIONRole.
    assert_eq!(
        outputs["FunctionRoleArn"]["Value"],
        json!({"Fn::GetAtt": [format!("{}Role", function_name(&template)), "Arn"]})
    );
}

#[test]
fn each_credentials_mode_is_refused_without_its_inputs_or_with_the_others() {
    let template = template();
    let refusals = |given: &[(&str, &str)]| Deployment::new(&template, given).refusals();
    let with = |mode: &[(&str, &str)], more: &[(&'static str, &'static str)]| {
        let mut given = mode.to_vec();
        given.extend_from_slice(more);
        refusals(&given)
    };
    let refused_for = |found: Vec<String>, expected: &str| {
        assert!(
            found.iter().any(|refusal| refusal.contains(expected)),
            "expected a refusal with {expected:?}, found {found:?}"
        );
    };

    // The negative control for the two tests above: the same rules refuse these.
    refused_for(
        refusals(&[("GraphIds", "g-1")]),
        "CredentialsMode secret needs CredentialsSecretArn and SecretsExtensionLayerArn",
    );
    refused_for(
        with(SECRET_MODE, &[("SecretsExtensionLayerArn", "")]),
        "needs CredentialsSecretArn and SecretsExtensionLayerArn",
    );
    refused_for(
        with(SECRET_MODE, &[("FederationAudience", "ges-stop")]),
        "leave them empty in secret mode",
    );
    refused_for(
        with(FEDERATION_MODE, &[("ProjectId", "")]),
        "CredentialsMode federation needs ProjectId",
    );
    for missing in [
        "FederationAudience",
        "FederationProviderUrn",
        "FederationAgencyUrn",
    ] {
        refused_for(
            with(FEDERATION_MODE, &[(missing, "")]),
            "CredentialsMode federation needs FederationAudience, FederationProviderUrn and FederationAgencyUrn",
        );
    }
    refused_for(
        with(FEDERATION_MODE, &[SECRET_MODE[1]]),
        "CredentialsMode federation uses no secret",
    );
    refused_for(
        with(FEDERATION_MODE, &[SECRET_MODE[2]]),
        "CredentialsMode federation uses no secret",
    );
}

/// `mode`'s parameter values and `more`, a later value winning.
fn with<'a>(mode: &[(&'a str, &'a str)], more: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut given = mode.to_vec();
    given.extend_from_slice(more);
    given
}

/// The function's properties as this deployment passes them to Lambda (through SAM).
fn deployed_function(deployment: &Deployment<'_>) -> Value {
    let name = function_name(deployment.template);
    deployment.deployed(&deployment.template["Resources"][name]["Properties"])
}

#[test]
fn the_function_runs_with_the_timeout_memory_architecture_and_tracing_given() {
    let template = template();
    let parameters = &template["Parameters"];
    // Lambda's own bounds, so a value out of them is refused before anything is deployed.
    assert_eq!(parameters["FunctionTimeout"]["MinValue"], 1);
    assert_eq!(parameters["FunctionTimeout"]["MaxValue"], 900);
    assert_eq!(parameters["FunctionMemory"]["MinValue"], 128);
    assert_eq!(parameters["FunctionMemory"]["MaxValue"], 10240);
    assert_eq!(
        parameters["Tracing"]["AllowedValues"],
        json!(["Active", "PassThrough"])
    );

    // Left unset: what the template deployed before these were parameters, and what
    // function/Cargo.toml gives `cargo lambda deploy` for the function alone.
    let unset = Deployment::new(&template, SECRET_MODE);
    assert_eq!(unset.refusals(), Vec::<String>::new());
    let properties = deployed_function(&unset);
    assert_eq!(properties["Architectures"], json!(["arm64"]));
    assert_eq!(properties["MemorySize"], "128");
    assert_eq!(properties["Timeout"], "120");
    assert_eq!(properties["Tracing"], "PassThrough");
    let manifest = std::fs::read_to_string(workspace_root().join("function/Cargo.toml")).unwrap();
    for setting in ["memory = 128\n", "timeout = 120\n"] {
        assert!(manifest.contains(setting), "function/Cargo.toml: {setting}");
    }

    let given = Deployment::new(
        &template,
        &with(
            SECRET_MODE,
            &[
                ("Architecture", "x86_64"),
                ("FunctionMemory", "1024"),
                ("FunctionTimeout", "900"),
                ("Tracing", "Active"),
            ],
        ),
    );
    assert_eq!(given.refusals(), Vec::<String>::new());
    let properties = deployed_function(&given);
    assert_eq!(properties["Architectures"], json!(["x86_64"]));
    assert_eq!(properties["MemorySize"], "1024");
    assert_eq!(properties["Timeout"], "900");
    assert_eq!(properties["Tracing"], "Active");
}

const SUBNETS: (&str, &str) = (
    "SubnetIds",
    "subnet-0a1b2c3d4e5f60718, subnet-0f1e2d3c4b5a69788",
);
const SECURITY_GROUPS: (&str, &str) = ("SecurityGroupIds", "sg-0123456789abcdef0");

#[test]
fn with_subnets_and_security_groups_the_function_runs_in_that_vpc() {
    let template = template();
    let outside = Deployment::new(&template, SECRET_MODE);
    assert!(!outside.condition("InVpc"));
    assert!(
        deployed_function(&outside).get("VpcConfig").is_none(),
        "no VPC unless given"
    );

    for mode in [SECRET_MODE, FEDERATION_MODE] {
        let inside = Deployment::new(&template, &with(mode, &[SUBNETS, SECURITY_GROUPS]));
        assert_eq!(inside.refusals(), Vec::<String>::new());
        assert_eq!(
            deployed_function(&inside)["VpcConfig"],
            json!({
                "SubnetIds": ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
                "SecurityGroupIds": ["sg-0123456789abcdef0"],
            })
        );
    }
}

#[test]
fn subnets_without_security_groups_or_security_groups_without_subnets_are_refused() {
    // The negative control for the test above: half a VPC configuration deploys nothing.
    let template = template();
    for half in [SUBNETS, SECURITY_GROUPS] {
        let deployment = Deployment::new(&template, &with(SECRET_MODE, &[half]));
        assert_eq!(
            deployment.refusals(),
            ["Give SubnetIds and SecurityGroupIds, for the function to run in a VPC, or neither."],
            "{half:?}"
        );
        assert!(!deployment.condition("InVpc"), "{half:?}");
    }
}

#[test]
fn each_asynchronous_answer_goes_to_the_success_bus_only_when_one_is_given() {
    const BUS: &str = "arn:aws:events:eu-west-1:123456789012:event-bus/ges-stop-answers";
    let template = template();
    // Lambda keeps one such configuration per function version: SAM's EventInvokeConfig
    // property would be a second one.
    assert!(
        function(&template)["Properties"]
            .get("EventInvokeConfig")
            .is_none()
    );
    let invoke_config = |deployment: &Deployment<'_>| {
        let configs: Vec<Value> = deployment
            .resources()
            .into_values()
            .filter(|resource| resource["Type"] == "AWS::Lambda::EventInvokeConfig")
            .collect();
        assert_eq!(configs.len(), 1, "one invoke configuration");
        let properties = deployment.deployed(&configs[0]["Properties"]);
        assert_eq!(
            properties["FunctionName"],
            json!({"Ref": function_name(&template)})
        );
        assert_eq!(properties["Qualifier"], "$LATEST");
        assert_eq!(properties["MaximumRetryAttempts"], 2);
        properties["DestinationConfig"].clone()
    };
    let dead_letter_queue = json!({"Destination": {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}});

    let without = Deployment::new(&template, SECRET_MODE);
    assert_eq!(
        invoke_config(&without),
        json!({"OnFailure": dead_letter_queue})
    );
    let policies = deployed_function(&without)["Policies"].to_string();
    assert!(!policies.contains("events:"), "{policies}");

    let given = Deployment::new(
        &template,
        &with(SECRET_MODE, &[("SuccessEventBusArn", BUS)]),
    );
    assert_eq!(given.refusals(), Vec::<String>::new());
    assert_eq!(
        invoke_config(&given),
        json!({"OnSuccess": {"Destination": BUS}, "OnFailure": dead_letter_queue})
    );
    // Lambda puts the answer on the bus with the function's role: that bus and no other.
    let policies = deployed_function(&given)["Policies"].clone();
    let policies = policies.as_array().unwrap();
    assert_eq!(policies.len(), 3, "{policies:?}");
    assert_eq!(
        policies[2],
        json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "events:PutEvents", "Resource": BUS}]
        })
    );
}

#[test]
fn only_the_schedules_role_is_written_by_hand() {
    let template = template();
    for mode in [SECRET_MODE, FEDERATION_MODE] {
        let deployment = Deployment::new(&template, mode);
        assert!(
            deployment.function().get("Role").is_none(),
            "the function's role is SAM's, from Policies"
        );
        let resources = deployment.resources();
        assert!(
            resources
                .values()
                .all(|resource| resource["Type"] != "AWS::IAM::Policy"
                    && resource["Type"] != "AWS::IAM::ManagedPolicy"),
            "no hand-written policy widens it"
        );
        // The one hand-written role is EventBridge Scheduler's, for both schedules: it
        // may invoke this function and dead-letter what it gives up, nothing else.
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
            json!({"Service": "scheduler.amazonaws.com"})
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
                json!({"Effect": "Allow", "Action": "lambda:InvokeFunction",
                    "Resource": {"Fn::GetAtt": [function_name(&template), "Arn"]}}),
                json!({"Effect": "Allow", "Action": "sqs:SendMessage",
                    "Resource": {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}}),
            ]
        );
    }
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
        json!({"Fn::Not": [{"Fn::Equals": [{"Ref": "ReconcileRate"}, ""]}]})
    );
    let properties = &reconcile["Properties"];
    assert_eq!(properties["ScheduleExpression"]["Ref"], "ReconcileRate");
    let target = &properties["Target"];
    assert_eq!(
        target["Arn"],
        json!({"Fn::GetAtt": [function_name(&template), "Arn"]})
    );
    let input: Value = serde_json::from_str(target["Input"].as_str().unwrap()).unwrap();
    assert_eq!(
        input,
        json!({"reconcile": true, "at": "<aws.scheduler.scheduled-time>"})
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

#[test]
fn the_alarms_read_the_metrics_the_function_writes_and_no_log_filter_is_left() {
    // The function's EMF metrics replaced the log metric filters: none may linger, and
    // an alarm on a metric the function does not write (or in another namespace, or
    // without its service dimension) would never fire.
    let template = template();
    let resources = template["Resources"].as_object().unwrap();
    let filters: Vec<&String> = resources
        .iter()
        .filter(|(_, resource)| resource["Type"] == "AWS::Logs::MetricFilter")
        .map(|(name, _)| name)
        .collect();
    assert!(filters.is_empty(), "log metric filters: {filters:?}");

    let variables = &function(&template)["Properties"]["Environment"]["Variables"];
    let namespace = &variables["POWERTOOLS_METRICS_NAMESPACE"];
    let service = &variables["POWERTOOLS_SERVICE_NAME"];
    assert!(namespace.is_string(), "{variables}");
    assert!(!service.is_null(), "{variables}");
    let metrics_source =
        std::fs::read_to_string(workspace_root().join("function/src/metrics/mod.rs")).unwrap();
    let ours: Vec<(&String, &Value)> = resources
        .iter()
        .filter(|(_, resource)| resource["Type"] == "AWS::CloudWatch::Alarm")
        .filter(|(_, resource)| {
            !resource["Properties"]["Namespace"]
                .as_str()
                .is_some_and(|namespace| namespace.starts_with("AWS/"))
        })
        .collect();
    assert!(!ours.is_empty(), "no alarm reads the function's metrics");
    for (name, alarm) in ours {
        let properties = &alarm["Properties"];
        assert_eq!(&properties["Namespace"], namespace, "{name}");
        assert_eq!(
            properties["Dimensions"],
            json!([{"Name": "service", "Value": service}]),
            "{name}"
        );
        let metric = properties["MetricName"].as_str().unwrap();
        assert!(
            metrics_source.contains(&format!("=> \"{metric}\"")),
            "{name}: the function writes no metric {metric}"
        );
    }
}

/// Every GES action that the README, the template or an example names is one of the four
/// Huawei names for the calls ges-stop makes (README, "Security model": GES has no
/// `ges:graph:stop` nor `ges:graph:start`; stop and start are both `ges:graph:operate`),
/// and the README's policy example grants exactly those four.
#[test]
fn policy_examples_name_the_ges_actions_huawei_defines() {
    const ACTIONS: [&str; 4] = [
        "ges:graph:list",
        "ges:graph:getDetail",
        "ges:graph:operate",
        "ges:jobs:getDetail",
    ];
    let root = workspace_root();
    let mut files = vec![root.join("README.md"), root.join("deploy/template.yaml")];
    let mut dirs = vec![root.join("examples")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    // An action is a word `ges:` then letters, `:` and letters (a tag key such as
    // `ges-stop:skip` has a dash, so it is not one).
    for file in &files {
        // The README says which names GES does not have: that sentence is no grant.
        let text = std::fs::read_to_string(file)
            .unwrap()
            .replace("no `ges:graph:stop` nor `ges:graph:start`", "");
        for (at, _) in text.match_indices("ges:") {
            // `messages:` is no action: one starts a word.
            if text[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let found: String = text[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphabetic() || *c == ':')
                .collect();
            assert!(
                ACTIONS.contains(&found.as_str()),
                "{} names {found}, which is not one of GES's actions that ges-stop needs: \
                 {ACTIONS:?}",
                file.display(),
            );
        }
    }
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let policy = readme
        .split("```json")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .find(|block| block.contains("ges:graph:"))
        .expect("the README has a GES policy example");
    let policy: Value = serde_json::from_str(policy.trim()).unwrap();
    assert_eq!(policy["Version"], "1.1", "a fine-grained policy");
    assert_eq!(policy["Statement"][0]["Action"], json!(ACTIONS));
}

/// The dashboard's body as deployed by a stack named `stack` in `region`: `Fn::Sub`'s
/// variables and pseudo parameters put in, `${!` read as a literal `${`.
fn dashboard(template: &Value, stack: &str, region: &str) -> Value {
    let dashboards: Vec<&Value> = template["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|resource| resource["Type"] == "AWS::CloudWatch::Dashboard")
        .collect();
    assert_eq!(dashboards.len(), 1, "one dashboard");
    let sub = dashboards[0]["Properties"]["DashboardBody"]["Fn::Sub"]
        .as_array()
        .expect("a body built with Fn::Sub [text, variables]");
    let mut body = sub[0].as_str().unwrap().to_owned();
    for (name, value) in sub[1].as_object().unwrap() {
        body = body.replace(&format!("${{{name}}}"), value.as_str().unwrap());
    }
    body = body
        .replace("${AWS::StackName}", stack)
        .replace("${AWS::Region}", region);
    assert!(
        !body.replace("${!", "").contains("${"),
        "a variable Fn::Sub does not fill: {body}"
    );
    serde_json::from_str(&body.replace("${!", "${"))
        .unwrap_or_else(|error| panic!("the dashboard body is not JSON ({error}): {body}"))
}

#[test]
fn the_dashboard_reads_the_metrics_the_function_writes_per_day_and_per_week() {
    let template = template();
    let variables = &function(&template)["Properties"]["Environment"]["Variables"];
    assert_eq!(
        variables["POWERTOOLS_SERVICE_NAME"],
        json!({"Ref": "AWS::StackName"})
    );
    let namespace = variables["POWERTOOLS_METRICS_NAMESPACE"].as_str().unwrap();
    let body = dashboard(&template, "nightly-stack", "eu-west-1");
    let metrics_source =
        std::fs::read_to_string(workspace_root().join("function/src/metrics/mod.rs")).unwrap();
    let written = |metric: &str| metrics_source.contains(&format!("=> \"{metric}\""));
    let widgets = body["widgets"].as_array().unwrap();
    let mut seen = Vec::new();
    for widget in widgets {
        let properties = &widget["properties"];
        let title = properties["title"].as_str().unwrap();
        assert_eq!(properties["region"], "eu-west-1", "{title}");
        for line in properties["metrics"].as_array().unwrap() {
            let line = line.as_array().unwrap();
            match line.as_slice() {
                [options] => {
                    let expression = options["expression"].as_str().unwrap();
                    if let Some(search) = expression.strip_prefix("SEARCH(") {
                        // One line per schedule, of this stack's service only, summed by
                        // the week.
                        assert!(
                            search.starts_with(&format!(
                                "'{{\"{namespace}\",schedule,service}} MetricName=\""
                            )),
                            "{title}: {expression}"
                        );
                        assert!(
                            search.ends_with("service=\"nightly-stack\"', 'Sum', 604800)"),
                            "{title}: {expression}"
                        );
                        let metric = search.split("MetricName=\"").nth(1).unwrap();
                        let metric = metric.split('"').next().unwrap();
                        assert!(written(metric), "{title}: the function writes no {metric}");
                        assert_eq!(properties["period"], 604800, "{title}");
                        assert_eq!(options["label"], "${PROP('Dim.schedule')}", "{title}");
                        seen.push(metric.to_owned());
                    }
                }
                [ns, metric, dimension, service, ..] => {
                    assert_eq!(ns, namespace, "{title}");
                    assert_eq!(dimension, "service", "{title}");
                    assert_eq!(service, "nightly-stack", "{title}");
                    let metric = metric.as_str().unwrap();
                    assert!(written(metric), "{title}: the function writes no {metric}");
                    assert_eq!(properties["period"], 86400, "{title}");
                    assert_eq!(properties["stat"], "Sum", "{title}");
                    seen.push(metric.to_owned());
                }
                other => panic!("{title}: a metric line the test does not read: {other:?}"),
            }
        }
    }
    assert_eq!(
        seen,
        [
            "GraphsStopping",
            "GraphsStopped",
            "GraphsStarting",
            "GraphsDeferred",
            "GraphsFailed",
            "StoppedGraphHours",
            "EstimatedSavings",
        ]
    );
    // Stopped is both stop outcomes: a stop waited for ends as GraphsStopped.
    let daily = &widgets[0]["properties"]["metrics"];
    assert_eq!(
        daily[0][0]["expression"],
        "FILL(stopping, 0) + FILL(stopped, 0)"
    );
    assert_eq!(daily[1][4]["id"], "stopping");
    assert_eq!(daily[2][4]["id"], "stopped");
}

const SCHEDULES: &str = r#"{"schedules": {"nightly": {"timezone": "UTC", "periods": []}}}"#;

#[test]
fn the_reconcile_interval_and_the_prices_reach_the_function_and_old_stacks_still_update() {
    let template = template();
    // A stack deployed before these parameters, with a cron(...) rate: its update gives
    // the same values, the new parameters take their defaults, nothing is refused, and
    // the function gets blank variables, which it reads as unset (no stopped time).
    let before = Deployment::new(
        &template,
        &with(
            SECRET_MODE,
            &[
                ("ReconcileRate", "cron(0/10 * * * ? *)"),
                ("Schedules", SCHEDULES),
            ],
        ),
    );
    assert_eq!(before.refusals(), Vec::<String>::new());
    let variables = &deployed_function(&before)["Environment"]["Variables"];
    assert_eq!(variables["GES_RECONCILE_INTERVAL_MINUTES"], "");
    assert_eq!(variables["GES_PRICES"], "");

    let prices = r#"{"currency": "USD", "per_hour": {"1": 1.25}}"#;
    let given = Deployment::new(
        &template,
        &with(
            SECRET_MODE,
            &[
                ("ReconcileRate", "rate(15 minutes)"),
                ("Schedules", SCHEDULES),
                ("ReconcileIntervalMinutes", "15"),
                ("Prices", prices),
            ],
        ),
    );
    assert_eq!(given.refusals(), Vec::<String>::new());
    let variables = &deployed_function(&given)["Environment"]["Variables"];
    assert_eq!(variables["GES_RECONCILE_INTERVAL_MINUTES"], "15");
    assert_eq!(variables["GES_PRICES"], prices);

    // The parameter takes what the function takes (1 to 1440 minutes), or nothing.
    let pattern = template["Parameters"]["ReconcileIntervalMinutes"]["AllowedPattern"]
        .as_str()
        .unwrap();
    let accepted = |values: &[&str]| -> Vec<bool> {
        let output = Command::new(python())
            .args([
                "-c",
                "import re, sys; p = sys.argv[1]; \
                 print(' '.join(str(bool(re.fullmatch(p, v))) for v in sys.argv[2:]))",
                pattern,
            ])
            .args(values)
            .output()
            .expect("python runs");
        assert!(output.status.success(), "{}", shown(&output));
        String::from_utf8(output.stdout)
            .unwrap()
            .split_whitespace()
            .map(|word| word == "True")
            .collect()
    };
    let good = [
        "", "1", "9", "10", "15", "60", "999", "1000", "1399", "1439", "1440",
    ];
    let bad = [
        "0", "01", "1441", "1500", "2000", "9999", "-5", "15m", " 15", "1.5",
    ];
    assert!(accepted(&good).iter().all(|ok| *ok), "{good:?}");
    assert!(accepted(&bad).iter().all(|ok| !ok), "{bad:?}");
}
