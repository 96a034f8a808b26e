using System.CommandLine;

namespace Modelplane.Cli.Commands.Secrets;

/// <summary>
/// The positional arguments of the <c>secrets</c> verbs. Names are checked by the node (letters, digits, <c>-</c>,
/// <c>_</c>, <c>.</c>; at most 128 characters), whose message the CLI prints (exit 1).
/// </summary>
internal static class SecretArguments
{
    /// <summary>A positional secret-scope name.</summary>
    public static Argument<string> Scope() => new("scope") { Description = "Secret scope name." };

    /// <summary>A positional secret key.</summary>
    public static Argument<string> Key() => new("key") { Description = "Secret key within the scope." };
}
