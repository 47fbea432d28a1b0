"""One stop with the official Huawei Cloud Python SDK (huaweicloudsdkges), for scripts/bench.

The same stop `ges-stop stop` makes, with the same meaning of success: exit 0 when GES
started a stop job or answered GES.7001 (the graph is not running), 1 otherwise. The SDK
signs with AK/SK (its BasicCredentials); it has no X-Auth-Token mode. Environment:
GES_ENDPOINT, GES_AK, GES_SK, GES_PROJECT_ID, GES_GRAPH_ID, and HOME pointing at a scratch
folder (the SDK writes $HOME/.huaweicloud/application_id on import).
"""

import os
import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ServiceResponseException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkges.v2 import GesClient, StopGraph2Request


def main() -> int:
    env = os.environ
    config = HttpConfig.get_default_config()
    config.timeout = (5, 20)
    config.retry_times = 0
    client = (
        GesClient.new_builder()
        .with_http_config(config)
        .with_credentials(
            BasicCredentials(env["GES_AK"], env["GES_SK"], env["GES_PROJECT_ID"])
        )
        .with_endpoints([env["GES_ENDPOINT"]])
        .build()
    )
    try:
        client.stop_graph2(StopGraph2Request(graph_id=env["GES_GRAPH_ID"]))
    except ServiceResponseException as error:
        return 0 if error.error_code == "GES.7001" else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
