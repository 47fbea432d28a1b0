"""Reads GES graphs' request counts with the official Cloud Eye Python SDK (huaweicloudsdkces).

Used by tests/tests/python_sdk.rs to check that the simulator's Cloud Eye accepts what
the real SDK sends (CesClient.batch_list_metric_data: a BatchListMetricDataRequest with
its BatchListMetricDataRequestBody of MetricInfo and MetricsDimension, AK/SK-signed)
and that the SDK reads its answer (BatchListMetricDataResponse, BatchMetricData,
DatapointForBatchMetric).

    python sdk_metrics.py

Configuration comes from the environment:

    CES_ENDPOINT    e.g. http://127.0.0.1:12345 (no trailing slash)
    GES_AK, GES_SK  the access key and secret key to sign with
    GES_PROJECT_ID  the project the graphs belong to
    CES_GRAPH_IDS   the graphs, comma-separated: one metric each (SYS.GES,
                    ges004_request_count, instance_id = the graph's ID)
    CES_FROM, CES_TO  the window, UNIX time in ms
    CES_PERIOD      "1", "300", ...
    CES_FILTER      "sum", "average", ...

Prints one JSON object on stdout and exits:
    0  {"metrics": [{"graph": ..., "unit": ...,   what the SDK read, in the order asked;
        "points": [[timestamp, value], ...]}]}    value is the filter's field
    3  {"status_code": N, "error_code": ...,      Cloud Eye (or the gateway) refused it
        "error_msg": ..., "request_id": ...}
Anything else (a traceback, exit 1) is a failure of the script or the SDK itself.

Import the SDK with HOME pointing at a scratch folder: it writes
$HOME/.huaweicloud/application_id on import.
"""

import json
import os
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ServiceResponseException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkces.v1 import (
    BatchListMetricDataRequest,
    BatchListMetricDataRequestBody,
    CesClient,
    MetricInfo,
    MetricsDimension,
)

EXIT_REFUSED = 3


def main() -> int:
    env = os.environ
    config = HttpConfig.get_default_config()
    # A loopback server answers at once; fail fast rather than after the SDK's 60/120 s.
    config.timeout = (5, 20)
    config.retry_times = 0
    client = (
        CesClient.new_builder()
        .with_http_config(config)
        .with_credentials(
            BasicCredentials(env["GES_AK"], env["GES_SK"], env["GES_PROJECT_ID"])
        )
        .with_endpoints([env["CES_ENDPOINT"]])
        .build()
    )
    graphs = env["CES_GRAPH_IDS"].split(",")
    body = BatchListMetricDataRequestBody(
        metrics=[
            MetricInfo(
                namespace="SYS.GES",
                metric_name="ges004_request_count",
                dimensions=[MetricsDimension(name="instance_id", value=graph)],
            )
            for graph in graphs
        ],
        period=env["CES_PERIOD"],
        filter=env["CES_FILTER"],
        _from=int(env["CES_FROM"]),
        to=int(env["CES_TO"]),
    )
    try:
        response = client.batch_list_metric_data(BatchListMetricDataRequest(body=body))
    except ServiceResponseException as error:
        print(
            json.dumps(
                {
                    "status_code": error.status_code,
                    "error_code": error.error_code,
                    "error_msg": error.error_msg,
                    "request_id": error.request_id,
                }
            )
        )
        return EXIT_REFUSED
    read = []
    for metric in response.metrics or []:
        read.append(
            {
                "graph": metric.dimensions[0].value if metric.dimensions else None,
                "unit": metric.unit,
                "points": [
                    [point.timestamp, getattr(point, env["CES_FILTER"])]
                    for point in metric.datapoints or []
                ],
            }
        )
    print(json.dumps({"metrics": read}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
