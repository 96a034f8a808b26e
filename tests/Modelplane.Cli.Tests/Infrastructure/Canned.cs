namespace Modelplane.Cli.Tests.Infrastructure;

/// <summary>Databricks-shaped answers (databricks-serving.md §1.2, §5.3) the fake node replays.</summary>
internal static class Canned
{
    public static string Endpoint(string name = "iris-classifier", string ready = "READY", string update = "NOT_UPDATING", string deployment = "DEPLOYMENT_READY", string message = "") => $$"""
        {
          "id": "ep-123",
          "name": "{{name}}",
          "creator": "admin",
          "creation_timestamp": 1764400000000,
          "last_updated_timestamp": 1764400000000,
          "state": { "ready": "{{ready}}", "config_update": "{{update}}" },
          "config": {
            "config_version": 1,
            "served_entities": [
              { "name": "iris-1", "entity_name": "main.default.iris", "entity_version": "1", "workload_size": "Small",
                "scale_to_zero_enabled": false, "workload_type": "CPU",
                "image_id": "9155257cfbd7cf3da37eab3f3133254c06b92c4eaf01954ac5f50582b9036f66",
                "runtime_id": "6c59e0d2bf9501e8c2bc2cca5aa9efdcb39d4e41a6b1e358eff8fa3a19227ef1",
                "replicas": [ { "id": "iris-1-v1-r1", "state": "READY", "process_id": 19499, "runtime_id": "6c59e0d2bf95" },
                              { "id": "iris-1-v1-r2", "state": "STARTING", "process_id": 19512, "runtime_id": "6c59e0d2bf95" } ],
                "state": { "deployment": "{{deployment}}", "deployment_state_message": "{{message}}" } }
            ],
            "traffic_config": { "routes": [ { "served_model_name": "iris-1", "traffic_percentage": 100 } ] }
          },
          "tags": [ { "key": "team", "value": "ml" } ],
          "ai_gateway": { "usage_tracking_config": { "enabled": false } }
        }
        """;

    public const string ModelVersion = """
        {
          "model_name": "iris", "catalog_name": "main", "schema_name": "default", "version": 1, "status": "READY",
          "source": "model.zip", "created_at": 1764400000000, "sha256": "abcdef0123456789abcdef", "size_bytes": 3137,
          "flavor": "onnx", "signature": { "inputs": [] }, "aliases": []
        }
        """;

    public const string RegisteredModels = """
        { "registered_models": [
          { "full_name": "main.default.iris", "name": "iris", "catalog_name": "main", "schema_name": "default",
            "created_at": 1764400000000, "updated_at": 1764400000000, "aliases": [ { "alias_name": "champion", "version_num": 1 } ] }
        ] }
        """;

    public const string Predictions = """
        { "predictions": [
          { "species": "Iris-setosa", "probabilities": [0.97, 0.02, 0.01] },
          { "species": "Iris-virginica", "probabilities": [0.01, 0.1, 0.89] }
        ] }
        """;

    public static string NotFound(string message) => $$"""{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"{{message}}"}""";
}
