using System.CommandLine;
using System.CommandLine.Parsing;

namespace Modelplane.Cli.Commands;

/// <summary>Arguments and options several verbs share, with their validation (a bad value is a usage error, exit 2).</summary>
internal static class CommonArguments
{
    /// <summary>A positional <c>catalog.schema.model</c> name.</summary>
    public static Argument<string> ModelName(string name = "name")
    {
        var argument = new Argument<string>(name) { Description = "Registered model, catalog.schema.model (e.g. main.default.iris)." };
        argument.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!Client.ModelName.IsValid(value))
            {
                result.AddError($"Model name '{value}' is not of the form catalog.schema.model.");
            }
        });
        return argument;
    }

    /// <summary>An option holding a <c>catalog.schema.model</c> name.</summary>
    public static Option<string> ModelNameOption(string name, string description, bool required)
    {
        var option = new Option<string>(name) { Description = description, Required = required };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!Client.ModelName.IsValid(value))
            {
                result.AddError($"Model name '{value}' is not of the form catalog.schema.model.");
            }
        });
        return option;
    }

    /// <summary>A positional serving-endpoint name.</summary>
    public static Argument<string> EndpointName() => new("endpoint") { Description = "Serving endpoint name." };

    /// <summary>A version number, 1 or more.</summary>
    public static void RequirePositive(Argument<int?> argument) => argument.Validators.Add(result =>
    {
        if (IntToken(result) is <= 0)
        {
            result.AddError("Versions are numbered from 1.");
        }
    });

    /// <summary>
    /// The integer the user typed, or null when none or not a number (the parser reports that itself; reading the
    /// value in a validator would throw).
    /// </summary>
    public static int? IntToken(SymbolResult result) =>
        result.Tokens.Count == 1 && int.TryParse(result.Tokens[0].Value, out var value) ? value : null;
}
