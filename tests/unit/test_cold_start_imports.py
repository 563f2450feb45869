"""What a function's cold start leaves out must stay out, and still work when used.

The cold-start set-up registers Powertools' event handler and event data classes packages
without their `__init__` (which load every resolver, every event source's class): what the
packages export must still import, as the same objects, and the HTTP and queue set-ups must
not load the resolvers and event classes they do not use. The API function's
capacity and export routes load the forecast and the exports where they are asked for."""

import json
import subprocess
import sys
from pathlib import Path

from careroute.entrypoints.api_routes.capacity import DEFAULT_ATTEMPT_SUCCESS
from careroute.planning.capacity import Assumptions

LAYER = Path(__file__).resolve().parents[2] / "layers" / "shared"


def run_fresh(code: str) -> dict[str, object]:
    """`code` run in a fresh interpreter after the cold-start set-up; its printed JSON."""
    setup = (
        f"import sys; sys.path.insert(0, {str(LAYER)!r})\n"
        "from careroute.entrypoints import cold_start\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", setup + code], capture_output=True, text=True, check=True
    )
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_the_http_set_up_loads_only_the_api_gateway_resolver() -> None:
    loaded = run_fresh(
        "import json, sys\n"
        "import careroute.entrypoints.http_api\n"
        "print(json.dumps({m: m in sys.modules for m in ("
        "'aws_lambda_powertools.event_handler.api_gateway',"
        "'aws_lambda_powertools.event_handler.appsync',"
        "'aws_lambda_powertools.event_handler.bedrock_agent',"
        "'aws_lambda_powertools.event_handler.vpc_lattice')}))"
    )
    assert loaded == {
        "aws_lambda_powertools.event_handler.api_gateway": True,
        "aws_lambda_powertools.event_handler.appsync": False,
        "aws_lambda_powertools.event_handler.bedrock_agent": False,
        "aws_lambda_powertools.event_handler.vpc_lattice": False,
    }


def test_every_name_the_package_exports_still_imports_as_the_same_object() -> None:
    found = run_fresh(
        "import json\n"
        "import aws_lambda_powertools.event_handler as package\n"
        "from aws_lambda_powertools.event_handler import Response, content_types\n"
        "from aws_lambda_powertools.event_handler.api_gateway import Response as defined\n"
        "before_init = 'AppSyncResolver' in vars(package)\n"
        "from aws_lambda_powertools.event_handler import AppSyncResolver\n"
        "from aws_lambda_powertools.event_handler.appsync import AppSyncResolver as appsync\n"
        "print(json.dumps({'before_init': before_init,"
        " 'same': Response is defined and AppSyncResolver is appsync,"
        " 'exported': len(package.__all__),"
        " 'missing': [n for n in package.__all__ if getattr(package, n, None) is None],"
        " 'json': content_types.APPLICATION_JSON}))"
    )
    assert found == {
        "before_init": False,
        "same": True,
        "exported": found["exported"],
        "missing": [],
        "json": "application/json",
    }
    assert isinstance(found["exported"], int) and found["exported"] >= 15


def test_a_queue_function_loads_only_the_event_classes_it_reads() -> None:
    loaded = run_fresh(
        "import json, sys\n"
        "from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord\n"
        "from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (\n"
        "    DynamoDBRecord)\n"
        "from aws_lambda_powertools.utilities.data_classes import CloudWatchLogsEvent\n"
        "prefix = 'aws_lambda_powertools.utilities.data_classes.'\n"
        "print(json.dumps(sorted(m[len(prefix):] for m in sys.modules if m.startswith(prefix))))"
    )
    assert isinstance(loaded, list)
    assert {"sqs_event", "s3_event", "dynamo_db_stream_event", "cloud_watch_logs_event"} <= set(
        loaded
    )
    assert not {"kinesis_stream_event", "appsync_resolver_event", "alb_event"} & set(loaded)
    assert len(loaded) <= 8


def test_every_event_class_the_package_exports_imports_as_the_same_object() -> None:
    found = run_fresh(
        "import json\n"
        "import aws_lambda_powertools.utilities.data_classes as package\n"
        "from aws_lambda_powertools.utilities.data_classes import S3Event, event_source\n"
        "from aws_lambda_powertools.utilities.data_classes.s3_event import S3Event as defined\n"
        "from aws_lambda_powertools.utilities.data_classes.event_source import (\n"
        "    event_source as decorator)\n"
        "before_init = 'KinesisStreamEvent' in vars(package)\n"
        "print(json.dumps({'before_init': before_init,"
        " 'same': S3Event is defined and event_source is decorator,"
        " 'exported': len(package.__all__),"
        " 'missing': [n for n in package.__all__ if getattr(package, n, None) is None]}))"
    )
    assert found == {
        "before_init": False,
        "same": True,
        "exported": found["exported"],
        "missing": [],
    }
    assert isinstance(found["exported"], int) and found["exported"] >= 40


def test_the_capacity_route_loads_the_forecast_only_where_it_is_read() -> None:
    loaded = run_fresh(
        "import json, sys\n"
        "import careroute.entrypoints.api_routes.capacity\n"
        "print(json.dumps({m: m in sys.modules for m in ("
        "'careroute.planning.capacity', 'careroute.entrypoints.api_routes.capacity_report')}))"
    )
    assert loaded == {
        "careroute.planning.capacity": False,
        "careroute.entrypoints.api_routes.capacity_report": False,
    }


def test_the_export_routes_load_the_exports_only_where_one_is_asked_for() -> None:
    loaded = run_fresh(
        "import json, sys\n"
        "import careroute.entrypoints.api_routes.exports\n"
        "print(json.dumps({m: m in sys.modules for m in ("
        "'careroute.service_layer.exports', 'careroute.entrypoints.api_routes.export_answers')}))"
    )
    assert loaded == {
        "careroute.service_layer.exports": False,
        "careroute.entrypoints.api_routes.export_answers": False,
    }


def test_the_capacity_routes_default_is_the_forecasts() -> None:
    assert Assumptions().attempt_success == DEFAULT_ATTEMPT_SUCCESS
