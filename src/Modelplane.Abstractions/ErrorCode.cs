namespace Modelplane.Abstractions;

/// <summary>
/// The Databricks / MLflow REST error codes Modelplane answers with (DESIGN.md §5), each with the HTTP status it maps to.
/// </summary>
public static class ErrorCode
{
    /// <summary>A field has a value the API does not accept (400).</summary>
    public const string InvalidParameterValue = "INVALID_PARAMETER_VALUE";
    /// <summary>The request as a whole is malformed (400).</summary>
    public const string BadRequest = "BAD_REQUEST";
    /// <summary>The named resource does not exist (404).</summary>
    public const string ResourceDoesNotExist = "RESOURCE_DOES_NOT_EXIST";
    /// <summary>A resource with that name already exists (409).</summary>
    public const string ResourceAlreadyExists = "RESOURCE_ALREADY_EXISTS";
    /// <summary>The resource is in a state that conflicts with the request (409).</summary>
    public const string ResourceConflict = "RESOURCE_CONFLICT";
    /// <summary>No valid credentials were presented (401).</summary>
    public const string Unauthenticated = "UNAUTHENTICATED";
    /// <summary>The caller lacks a permission (403).</summary>
    public const string PermissionDenied = "PERMISSION_DENIED";
    /// <summary>A rate or size limit was exceeded (429, or 413 for bodies).</summary>
    public const string RequestLimitExceeded = "REQUEST_LIMIT_EXCEEDED";
    /// <summary>The service cannot answer now; retry later (503).</summary>
    public const string TemporarilyUnavailable = "TEMPORARILY_UNAVAILABLE";
    /// <summary>A fault on Modelplane's side (500).</summary>
    public const string InternalError = "INTERNAL_ERROR";

    /// <summary>The HTTP status a code maps to when the thrower gave none.</summary>
    public static int DefaultStatus(string errorCode) => errorCode switch
    {
        InvalidParameterValue or BadRequest => 400,
        Unauthenticated => 401,
        PermissionDenied => 403,
        ResourceDoesNotExist => 404,
        ResourceAlreadyExists or ResourceConflict => 409,
        RequestLimitExceeded => 429,
        TemporarilyUnavailable => 503,
        _ => 500,
    };
}
