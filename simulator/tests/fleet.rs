//! A fleet: several projects in one simulator, tokens scoped to one of them, paging
//! through many graphs (also while the fleet grows), graphs in every status, and the
//! journal a fleet test counts calls with.

mod common;

use common::{
    AK, Answer, Key, PROJECT, TOKEN, builder, client, get, post, raw, read, signed_headers,
};
use ges_api::types::{GraphId, GraphStatus, ProjectId};
use ges_simulator::{
    Authentication, GraphSpec, OperationKind, Page, RunningSimulator, Scheme, SimulatorError,
    error_codes,
};
use serde_json::{Value, json};

/// The extra project, a sub-project of the main one's region.
const OTHER: &str = "fedcba9876543210fedcba9876543210";
const OTHER_NAME: &str = "cn-north-4_dev";
const DOMAIN: &str = "acme";
const USER: &str = "ops";
const PASSWORD: &str = "very-secret-password";

fn project(value: &str) -> ProjectId {
    value.parse().expect("a valid project ID")
}

/// The common three graphs in the main project, and two numbered graphs (1 running,
/// 2 frozen) in [`OTHER`].
async fn start_two_projects() -> RunningSimulator {
    builder()
        .extra_project(project(OTHER), OTHER_NAME)
        .graph_in(project(OTHER), GraphSpec::numbered(1, "other-1"))
        .graph_in(
            project(OTHER),
            GraphSpec::numbered(2, "other-2").with_status(GraphStatus::Frozen),
        )
        .iam_user(DOMAIN, USER, PASSWORD)
        .start()
        .await
        .expect("the simulator starts")
}

fn ids(answer: &Answer) -> Vec<String> {
    answer.body["graphs"]
        .as_array()
        .expect("graphs")
        .iter()
        .map(|graph| graph["id"].as_str().expect("an id").to_owned())
        .collect()
}

fn numbered(number: u32) -> String {
    GraphSpec::numbered(number, "").id.as_str().to_owned()
}

async fn get_with(sim: &RunningSimulator, token: &str, path: &str) -> Answer {
    let response = client()
        .get(format!("{}{path}", sim.base_url()))
        .header("X-Auth-Token", token)
        .send()
        .await
        .expect("the simulator answers");
    read(response).await
}

/// An IAM token for [`USER`], scoped as asked.
async fn iam_token(sim: &RunningSimulator, scope: Value) -> (String, Value) {
    let body = json!({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "domain": {"name": DOMAIN}, "name": USER, "password": PASSWORD}}},
        "scope": {"project": scope}}});
    let response = client()
        .post(format!("{}/v3/auth/tokens", sim.base_url()))
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("IAM answers");
    let token = response
        .headers()
        .get("x-subject-token")
        .map(|value| value.to_str().expect("ASCII").to_owned());
    let answer = read(response).await;
    assert_eq!(answer.status, 201, "{answer:?}");
    (token.expect("X-Subject-Token"), answer.body)
}

#[tokio::test]
async fn each_project_sees_only_its_own_graphs() {
    let sim = start_two_projects().await;
    assert_eq!(sim.project_ids(), [project(PROJECT), project(OTHER)]);

    let main = get(&sim, &format!("/v2/{PROJECT}/graphs")).await;
    assert_eq!(main.body["graph_count"], 3, "{main:?}");
    let other = get(&sim, &format!("/v2/{OTHER}/graphs")).await;
    assert_eq!(other.status, 200, "{other:?}");
    assert_eq!(other.body["graph_count"], 2);
    assert_eq!(ids(&other), [numbered(1), numbered(2)]);
    assert_eq!(other.body["graphs"][1]["status"], "800");

    // A graph of one project does not exist in another, for every operation.
    let stop = post(&sim, &format!("/v2/{PROJECT}/graphs/{}/stop", numbered(1))).await;
    assert_eq!(stop.status, 404, "{stop:?}");
    assert_eq!(stop.error_code(), error_codes::GRAPH_NOT_FOUND);
    let show = get(&sim, &format!("/v2/{OTHER}/graphs/g-running")).await;
    assert_eq!(show.status, 404, "{show:?}");
    assert_eq!(
        sim.graph_status(&GraphSpec::numbered(1, "").id),
        Some(GraphStatus::Running),
        "a stop under the wrong project stops nothing"
    );

    let stop = post(&sim, &format!("/v2/{OTHER}/graphs/{}/stop", numbered(1))).await;
    assert_eq!(stop.status, 200, "{stop:?}");
    let job = stop.body["job_id"].as_str().expect("a job ID");
    let elsewhere = get(
        &sim,
        &format!("/v2/{PROJECT}/graphs/{}/jobs/{job}/status", numbered(1)),
    )
    .await;
    assert_eq!(elsewhere.status, 404, "{elsewhere:?}");
    let here = get(
        &sim,
        &format!("/v2/{OTHER}/graphs/{}/jobs/{job}/status", numbered(1)),
    )
    .await;
    assert_eq!(here.status, 200, "{here:?}");
    let other_graph = GraphSpec::numbered(1, "").id;
    assert_eq!(
        sim.last_stop_job(&other_graph)
            .map(|id| id.as_str().to_owned()),
        Some(job.to_owned())
    );
    assert!(sim.graph(&other_graph).is_some());
    assert!(sim.has_graph(&other_graph));

    // A project the simulator does not serve stays forbidden.
    let unserved = get(&sim, "/v2/00000000000000000000000000000000/graphs").await;
    assert_eq!(unserved.status, 403, "{unserved:?}");
    assert_eq!(unserved.error_code(), error_codes::WRONG_PROJECT);
    assert!(unserved.error_msg().contains(OTHER), "{unserved:?}");
}

#[tokio::test]
async fn graphs_can_be_put_in_a_project_while_running() {
    let sim = start_two_projects().await;
    sim.put_graph_in(&project(OTHER), GraphSpec::numbered(3, "other-3"))
        .expect("a served project");
    let other = get(&sim, &format!("/v2/{OTHER}/graphs")).await;
    assert_eq!(ids(&other), [numbered(1), numbered(2), numbered(3)]);

    let err = sim
        .put_graph_in(&project("nowhere"), GraphSpec::numbered(4, "lost"))
        .unwrap_err();
    assert!(
        matches!(&err, SimulatorError::UnknownProject { project_id } if project_id.as_str() == "nowhere"),
        "{err}"
    );
    assert!(!sim.has_graph(&GraphSpec::numbered(4, "").id));

    // put_graph replaces a graph where it is, even outside the main project.
    sim.put_graph(GraphSpec::numbered(2, "thawed"));
    let other = get(&sim, &format!("/v2/{OTHER}/graphs")).await;
    assert_eq!(ids(&other), [numbered(1), numbered(2), numbered(3)]);
    assert_eq!(other.body["graphs"][1]["status"], "200");
    assert_eq!(
        get(&sim, &format!("/v2/{PROJECT}/graphs")).await.body["graph_count"],
        3
    );
}

#[tokio::test]
async fn an_unknown_project_at_start_is_an_error() {
    let err = builder()
        .graph_in(project("nowhere"), GraphSpec::numbered(1, "lost"))
        .start()
        .await
        .unwrap_err();
    assert!(
        matches!(err, SimulatorError::UnknownProject { .. }),
        "{err}"
    );
    let err = builder()
        .extra_project(project(OTHER), OTHER_NAME)
        .graph_in(
            project(OTHER),
            GraphSpec::running("g-running".parse().unwrap(), "twin"),
        )
        .start()
        .await
        .unwrap_err();
    assert!(
        matches!(err, SimulatorError::DuplicateGraph { .. }),
        "{err}"
    );
}

#[tokio::test]
async fn iam_tokens_open_only_the_project_they_are_scoped_to() {
    let sim = start_two_projects().await;
    let (by_name, body) = iam_token(&sim, json!({"name": OTHER_NAME})).await;
    assert_eq!(body["token"]["project"]["id"], OTHER);
    assert_eq!(body["token"]["project"]["name"], OTHER_NAME);
    let (by_id, body) = iam_token(&sim, json!({"id": PROJECT})).await;
    assert_eq!(body["token"]["project"]["name"], "cn-north-4");

    let other_list = format!("/v2/{OTHER}/graphs");
    let main_list = format!("/v2/{PROJECT}/graphs");
    assert_eq!(get_with(&sim, &by_name, &other_list).await.status, 200);
    assert_eq!(get_with(&sim, &by_id, &main_list).await.status, 200);

    let refused = get_with(&sim, &by_name, &main_list).await;
    assert_eq!(refused.status, 403, "{refused:?}");
    assert_eq!(refused.error_code(), error_codes::WRONG_PROJECT);
    assert_eq!(
        refused.error_msg(),
        format!("The token is scoped to project {OTHER}, not {PROJECT}.")
    );
    assert!(!refused.error_msg().contains(&by_name));
    let stop = client()
        .post(format!(
            "{}/v2/{OTHER}/graphs/{}/stop",
            sim.base_url(),
            numbered(1)
        ))
        .header("X-Auth-Token", &by_id)
        .send()
        .await
        .expect("the simulator answers");
    assert_eq!(stop.status().as_u16(), 403);
    assert_eq!(
        sim.graph_status(&GraphSpec::numbered(1, "").id),
        Some(GraphStatus::Running),
        "a refused stop stops nothing"
    );

    let record = sim
        .requests()
        .into_iter()
        .find(|record| record.status == 403)
        .expect("a refused request");
    assert_eq!(
        record.authentication,
        Authentication::Accepted(Scheme::Token),
        "authenticated, then refused for its scope"
    );

    // The configured token opens every project.
    assert_eq!(get_with(&sim, TOKEN, &other_list).await.status, 200);
    assert_eq!(get_with(&sim, TOKEN, &main_list).await.status, 200);
}

#[tokio::test]
async fn iam_lists_every_project_by_its_name() {
    let sim = start_two_projects().await;
    let names = |answer: &Answer| -> Vec<(String, String)> {
        answer.body["projects"]
            .as_array()
            .expect("projects")
            .iter()
            .map(|p| {
                (
                    p["id"].as_str().expect("an id").to_owned(),
                    p["name"].as_str().expect("a name").to_owned(),
                )
            })
            .collect()
    };
    let dev = get(&sim, &format!("/v3/projects?name={OTHER_NAME}")).await;
    assert_eq!(dev.status, 200, "{dev:?}");
    assert_eq!(names(&dev), [(OTHER.to_owned(), OTHER_NAME.to_owned())]);
    let region = get(&sim, "/v3/projects?name=cn-north-4").await;
    assert_eq!(
        names(&region),
        [(PROJECT.to_owned(), "cn-north-4".to_owned())]
    );
    let all = get(&sim, "/v3/projects").await;
    assert_eq!(names(&all).len(), 2);
    let none = get(&sim, "/v3/projects?name=cn-north-4_prod").await;
    assert!(names(&none).is_empty(), "{none:?}");
}

#[tokio::test]
async fn signatures_open_every_project_unless_x_project_id_names_another() {
    let sim = start_two_projects().await;
    let path = format!("/v2/{OTHER}/graphs");
    let signed = |project_header: Option<&str>| {
        let mut headers = signed_headers(&sim, "GET", &path, "", b"", Key::valid());
        if let Some(value) = project_header {
            headers.push(("X-Project-Id".to_owned(), value.to_owned()));
        }
        headers
    };
    let plain = raw(&sim, "GET", &path, &signed(None), b"").await;
    assert_eq!(plain.status, 200, "{plain:?}");
    let matching = raw(&sim, "GET", &path, &signed(Some(OTHER)), b"").await;
    assert_eq!(matching.status, 200, "{matching:?}");
    let other = raw(&sim, "GET", &path, &signed(Some(PROJECT)), b"").await;
    assert_eq!(other.status, 403, "{other:?}");
    assert_eq!(other.error_code(), error_codes::WRONG_PROJECT);
    assert!(other.error_msg().contains(PROJECT), "{other:?}");
    assert!(!other.error_msg().contains(AK), "{other:?}");
}

#[tokio::test]
async fn paging_refuses_bad_parameters_by_name_and_ends_with_an_empty_page() {
    let sim = builder()
        .graphs((0..5).map(|n| GraphSpec::numbered(n, format!("fleet-{n}"))))
        .start()
        .await
        .expect("the simulator starts");
    for (query, named) in [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=", "limit"),
        ("offset=-1", "offset"),
        ("offset=abc", "offset"),
    ] {
        let answer = get(&sim, &format!("/v2/{PROJECT}/graphs?{query}")).await;
        assert_eq!(answer.status, 400, "{query}: {answer:?}");
        assert_eq!(answer.error_code(), error_codes::INVALID_PARAMETER);
        assert!(
            answer.error_msg().contains(named),
            "{query}: {}",
            answer.error_msg()
        );
    }
    // The three graphs of the common builder come first.
    for offset in [8, 9, 1000] {
        let past = get(
            &sim,
            &format!("/v2/{PROJECT}/graphs?offset={offset}&limit=10"),
        )
        .await;
        assert_eq!(past.status, 200, "{past:?}");
        assert_eq!(past.body["graph_count"], 8);
        assert_eq!(past.body["graphs"], json!([]));
    }
    let last = get(&sim, &format!("/v2/{PROJECT}/graphs?offset=7&limit=1000")).await;
    assert_eq!(ids(&last), [numbered(4)]);
}

#[tokio::test]
async fn without_a_limit_a_page_holds_ten_graphs_as_on_ges() {
    let sim = builder()
        .graphs((0..150).map(|n| GraphSpec::numbered(n, format!("fleet-{n}"))))
        .start()
        .await
        .expect("the simulator starts");
    let first = get(&sim, &format!("/v2/{PROJECT}/graphs")).await;
    assert_eq!(first.body["graph_count"], 153);
    assert_eq!(
        ids(&first).len(),
        ges_simulator::DEFAULT_LIST_LIMIT as usize
    );
    assert_eq!(ges_simulator::DEFAULT_LIST_LIMIT, 10);
    let record = sim.requests().pop().expect("a request");
    assert_eq!(
        record.page,
        Some(Page {
            offset: 0,
            limit: 10
        })
    );
}

#[tokio::test]
async fn a_graph_added_while_paging_comes_last() {
    let sim = builder().start().await.expect("the simulator starts");
    let first = get(&sim, &format!("/v2/{PROJECT}/graphs?offset=0&limit=2")).await;
    assert_eq!(first.body["graph_count"], 3);
    assert_eq!(ids(&first), ["g-running", "g-stopped"]);

    sim.put_graph(GraphSpec::numbered(9, "late"));
    // Replacing a graph keeps its place: a pager does not see it twice.
    sim.put_graph(GraphSpec::running(
        "g-stopped".parse().unwrap(),
        "restarted",
    ));

    let second = get(&sim, &format!("/v2/{PROJECT}/graphs?offset=2&limit=2")).await;
    assert_eq!(second.body["graph_count"], 4);
    assert_eq!(ids(&second), ["g-other".to_owned(), numbered(9)]);
}

#[tokio::test]
async fn stopping_a_graph_in_any_status_but_running_is_refused() {
    let statuses: Vec<GraphStatus> = GraphStatus::KNOWN
        .into_iter()
        .filter(|status| *status != GraphStatus::Running)
        .collect();
    assert_eq!(statuses.len(), 18);
    let specs: Vec<GraphSpec> = (100..)
        .zip(&statuses)
        .map(|(n, status)| GraphSpec::numbered(n, "busy").with_status(status.clone()))
        .collect();
    let sim = builder()
        .graphs(specs.clone())
        .start()
        .await
        .expect("the simulator starts");
    for spec in &specs {
        let shown = get(&sim, &format!("/v2/{PROJECT}/graphs/{}", spec.id)).await;
        assert_eq!(shown.body["graph"]["status"], spec.status.as_str());
        let stop = post(&sim, &format!("/v2/{PROJECT}/graphs/{}/stop", spec.id)).await;
        assert_eq!(stop.status, 400, "{:?}: {stop:?}", spec.status);
        assert_eq!(stop.error_code(), error_codes::GRAPH_NOT_RUNNING);
        assert_eq!(stop.error_msg(), "The graph is not running.");
        assert_eq!(sim.graph_status(&spec.id), Some(spec.status.clone()));
        assert_eq!(sim.last_stop_job(&spec.id), None);
    }
}

#[tokio::test]
async fn the_journal_names_the_project_graph_and_page_of_each_call() {
    let sim = start_two_projects().await;
    get(&sim, &format!("/v2/{PROJECT}/graphs?limit=2&offset=1")).await;
    get(&sim, &format!("/v2/{OTHER}/graphs")).await;
    get(&sim, &format!("/v2/{OTHER}/graphs?limit=0")).await;
    post(&sim, &format!("/v2/{PROJECT}/graphs/g-stopped/stop")).await;
    let unauthenticated = client()
        .get(format!("{}/v2/{OTHER}/graphs", sim.base_url()))
        .send()
        .await
        .expect("the simulator answers");
    assert_eq!(unauthenticated.status().as_u16(), 401);

    let requests = sim.requests();
    let lists_of = |project_id: &str| {
        requests
            .iter()
            .filter(|r| {
                r.operation == Some(OperationKind::ListGraphs)
                    && r.project_id.as_ref().map(ProjectId::as_str) == Some(project_id)
            })
            .count()
    };
    assert_eq!(lists_of(PROJECT), 1);
    assert_eq!(lists_of(OTHER), 3, "refused calls count too");

    assert_eq!(
        requests[0].page,
        Some(Page {
            offset: 1,
            limit: 2
        })
    );
    assert_eq!(requests[0].graph_id, None);
    assert_eq!(requests[2].page, None, "a refused page is not a page");
    assert_eq!(requests[2].status, 400);

    let stop = &requests[3];
    assert_eq!(stop.operation, Some(OperationKind::StopGraph));
    let stopped: GraphId = "g-stopped".parse().unwrap();
    assert_eq!(stop.graph_id.as_ref(), Some(&stopped));
    assert_eq!(stop.project_id.as_ref(), Some(&project(PROJECT)));
    assert_eq!(stop.page, None);
    assert_eq!(stop.status, 400);
    assert_eq!(requests[4].authentication, Authentication::Missing);
    assert_eq!(requests[4].status, 401);
}
