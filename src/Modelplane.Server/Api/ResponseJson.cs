using System.Text.Encodings.Web;
using System.Text.Json;

namespace Modelplane.Server.Api;

/// <summary>
/// How the node writes JSON answers: UTF-8 text as is (no <c>\u0027</c> for quotes), since answers are
/// <c>application/json</c>, never embedded in HTML.
/// </summary>
public static class ResponseJson
{
    /// <summary>The encoder for every JSON answer.</summary>
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>Options for <see cref="Utf8JsonWriter"/>s that write answers.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = Encoder };
}
