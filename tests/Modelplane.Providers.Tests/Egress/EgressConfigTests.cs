using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;
using Modelplane.Providers.Egress;
using Modelplane.Providers.Http;
using Modelplane.Providers.Tests.Resilience;

namespace Modelplane.Providers.Tests.Egress;

/// <summary>Config-time checks of provider URLs and start-up validation of the egress settings.</summary>
public sealed class EgressConfigTests
{
    private const string Field = "served_entities[0].external_model.openai_config.openai_api_base";

    private static UpstreamHarness Restricted(params string[] destinations) => UpstreamHarness.Create(
        [("Modelplane:Egress:RestrictionMode", "RESTRICTED_ACCESS"), .. destinations.Select((d, i) => ($"Modelplane:Egress:AllowedInternetDestinations:{i}", d))]);

    [Fact]
    public void FullAccess_IsTheDefault_AndAllowsAnyHost()
    {
        using var harness = UpstreamHarness.Create();

        Assert.False(harness.Policy.IsRestricted);
        harness.Policy.CheckConfigUrl(new Uri("https://api.openai.com/v1"), Field);
        harness.Policy.CheckConfigUrl(new Uri("http://10.1.2.3:8000/v1"), Field);
    }

    [Fact]
    public void Restricted_UnlistedHost_IsRefused_NamingFieldModeAndAllowList()
    {
        using var harness = Restricted("api.openai.com");

        harness.Policy.CheckConfigUrl(new Uri("https://api.openai.com/v1"), Field);
        var error = Assert.Throws<ModelplaneException>(() =>
            harness.Policy.CheckConfigUrl(new Uri("https://user:pw@api.anthropic.com/v1?key=sk-secret"), Field));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.ErrorCode);
        Assert.Equal(400, error.StatusCode);
        Assert.StartsWith(Field + " 'https://api.anthropic.com'", error.Message, StringComparison.Ordinal);
        Assert.Contains("RESTRICTED_ACCESS; allowed: api.openai.com", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Restricted_PortMustMatchWhenListed()
    {
        using var harness = Restricted("llm.internal:8443", "API.Example.COM.");

        harness.Policy.CheckConfigUrl(new Uri("https://llm.internal:8443/v1"), Field);
        harness.Policy.CheckConfigUrl(new Uri("https://api.example.com:9999/v1"), Field); // no port listed: any port
        var error = Assert.Throws<ModelplaneException>(() => harness.Policy.CheckConfigUrl(new Uri("https://llm.internal/v1"), Field));
        Assert.Contains("llm.internal:443 is not in", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Restricted_WildcardMatchesSubdomainsOnly()
    {
        using var harness = Restricted("*.openai.azure.com");

        harness.Policy.CheckConfigUrl(new Uri("https://myresource.openai.azure.com/openai/deployments/x"), Field);
        harness.Policy.CheckConfigUrl(new Uri("https://a.b.openai.azure.com/"), Field);
        Assert.Throws<ModelplaneException>(() => harness.Policy.CheckConfigUrl(new Uri("https://openai.azure.com/"), Field));
        Assert.Throws<ModelplaneException>(() => harness.Policy.CheckConfigUrl(new Uri("https://evilopenai.azure.com/"), Field));
        Assert.Throws<ModelplaneException>(() => harness.Policy.CheckConfigUrl(new Uri("https://openai.azure.com.evil.io/"), Field));
    }

    public static TheoryData<string, string> MetadataUrlsInEveryMode()
    {
        var data = new TheoryData<string, string>();
        foreach (var mode in new[] { "FULL_ACCESS", "RESTRICTED_ACCESS", "RESTRICTED_ACCESS+dry-run" })
        {
            foreach (var url in new[] { "http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://[fe80::1]:8080/", "http://[::ffff:169.254.169.254]/", "http://169.254.1.1:11434/v1" })
            {
                data.Add(mode, url);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MetadataUrlsInEveryMode))]
    public void LinkLocalAndMetadataLiterals_AreRefusedInEveryMode(string mode, string url)
    {
        using var harness = UpstreamHarness.Create(
            ("Modelplane:Egress:RestrictionMode", mode.Split('+')[0]),
            ("Modelplane:Egress:DryRun", mode.EndsWith("dry-run", StringComparison.Ordinal) ? "true" : "false"),
            ("Modelplane:Egress:AllowedInternetDestinations:0", "*.example.com"),
            ("Modelplane:Egress:AllowedInternetDestinations:1", "169.254.169.253"));

        var error = Assert.Throws<ModelplaneException>(() => harness.Policy.CheckConfigUrl(new Uri(url), Field));

        Assert.Contains("is refused in every mode unless Modelplane:Egress:AllowedInternetDestinations names it exactly", error.Message, StringComparison.Ordinal);
        Assert.Contains(mode.Split('+')[0], error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("169.254.169.254", "http://169.254.169.254/latest/meta-data/")]
    [InlineData("169.254.169.254:80", "http://169.254.169.254/")]
    [InlineData("[fd00:ec2::254]", "http://[fd00:ec2::254]/")]
    [InlineData("fd00:ec2::254", "http://[fd00:ec2::254]:8080/")]
    public void MetadataAddress_NamedExplicitly_IsAllowed(string destination, string url)
    {
        using var harness = UpstreamHarness.Create(("Modelplane:Egress:AllowedInternetDestinations:0", destination));

        harness.Policy.CheckConfigUrl(new Uri(url), Field);
    }

    [Fact]
    public void MetadataAddress_NamedWithAnotherPort_IsStillRefused()
    {
        using var harness = UpstreamHarness.Create(("Modelplane:Egress:AllowedInternetDestinations:0", "169.254.169.254:8080"));

        Assert.Throws<ModelplaneException>(() => harness.Policy.CheckConfigUrl(new Uri("http://169.254.169.254/"), Field));
    }

    [Fact]
    public void HostResolvingToMetadata_NeedsAnExactEntry_NotAWildcard()
    {
        var metadata = new[] { IPAddress.Parse("169.254.169.254") };
        using var wildcard = UpstreamHarness.Create(("Modelplane:Egress:AllowedInternetDestinations:0", "*.internal"));
        using var exact = UpstreamHarness.Create(("Modelplane:Egress:AllowedInternetDestinations:0", "metadata.google.internal"));

        var refused = wildcard.Policy.Evaluate("metadata.google.internal", 80, metadata);
        var allowed = exact.Policy.Evaluate("Metadata.Google.Internal.", 80, metadata);

        Assert.Equal(EgressVerdict.Refused, refused.Verdict);
        Assert.Equal(metadata[0], refused.Address);
        Assert.Equal(EgressVerdict.Allowed, allowed.Verdict);
    }

    [Theory]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("fe80::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("169.254.0.1")]
    public void AnyRefusedAddressAmongSeveral_RefusesTheHost(string bad)
    {
        using var harness = UpstreamHarness.Create();

        var decision = harness.Policy.Evaluate("rebinding.example", 443, [IPAddress.Parse("93.184.216.34"), IPAddress.Parse(bad)]);

        Assert.Equal(EgressVerdict.Refused, decision.Verdict);
        Assert.Equal(IPAddress.Parse(bad), decision.Address);
    }

    [Theory]
    [InlineData("ftp://api.openai.com/v1", "has scheme 'ftp'")]
    [InlineData("file:///etc/passwd", "has scheme 'file'")]
    [InlineData("/v1/chat", "is not an absolute URL")]
    public void NonHttpUrls_AreRefused(string url, string why)
    {
        using var harness = UpstreamHarness.Create();

        var error = Assert.Throws<ModelplaneException>(() => harness.Policy.CheckConfigUrl(new Uri(url, UriKind.RelativeOrAbsolute), Field));

        Assert.Equal($"{Field} must be an absolute http or https URL; it {why}.", error.Message);
    }

    [Fact]
    public void DryRun_AcceptsUnlistedHost_AndLogsWouldRefuse()
    {
        using var harness = UpstreamHarness.Create(
            ("Modelplane:Egress:RestrictionMode", "RESTRICTED_ACCESS"),
            ("Modelplane:Egress:DryRun", "true"),
            ("Modelplane:Egress:AllowedInternetDestinations:0", "api.openai.com"));

        harness.Policy.CheckConfigUrl(new Uri("https://api.anthropic.com/v1?x=1"), Field);

        var log = Assert.Single(harness.Logs.WithEvent(4603));
        Assert.Contains(Field, log.Message, StringComparison.Ordinal);
        Assert.Contains("api.anthropic.com", log.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("x=1", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModeIsCaseInsensitive_AndEntriesMayListSeveral()
    {
        using var harness = UpstreamHarness.Create(
            ("Modelplane:Egress:RestrictionMode", "restricted_access"),
            ("Modelplane:Egress:AllowedInternetDestinations:0", "api.openai.com, *.anthropic.com;10.0.0.5:8000"));

        Assert.True(harness.Policy.IsRestricted);
        harness.Policy.CheckConfigUrl(new Uri("https://api.openai.com/v1"), Field);
        harness.Policy.CheckConfigUrl(new Uri("https://eu.anthropic.com/v1"), Field);
        harness.Policy.CheckConfigUrl(new Uri("http://10.0.0.5:8000/v1"), Field);
        Assert.Throws<ModelplaneException>(() => harness.Policy.CheckConfigUrl(new Uri("http://10.0.0.5:8001/v1"), Field));
    }

    [Theory]
    [InlineData("Modelplane:Egress:RestrictionMode", "LOCKED_DOWN", "Modelplane:Egress:RestrictionMode must be FULL_ACCESS or RESTRICTED_ACCESS; got 'LOCKED_DOWN'.")]
    [InlineData("Modelplane:Egress:AllowedInternetDestinations:0", "https://api.openai.com/v1", "Modelplane:Egress:AllowedInternetDestinations[0] 'https://api.openai.com/v1' must be a host or host:port")]
    [InlineData("Modelplane:Egress:AllowedInternetDestinations:0", "api.openai.com:99999", "Modelplane:Egress:AllowedInternetDestinations[0] 'api.openai.com:99999' has port '99999'")]
    [InlineData("Modelplane:Egress:AllowedInternetDestinations:0", "api.*.com", "Modelplane:Egress:AllowedInternetDestinations[0] 'api.*.com' may use a wildcard only as a leading '*.'")]
    [InlineData("Modelplane:Egress:AllowedInternetDestinations:0", "bad host!", "Modelplane:Egress:AllowedInternetDestinations[0] 'host!' has host 'host!'")]
    public void InvalidEgressSettings_FailAtStartup_NamingTheKey(string key, string value, string expected)
    {
        using var harness = UpstreamHarness.Create((key, value));

        var error = Assert.Throws<OptionsValidationException>(() => harness.Policy);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MaxRetries", "11", "Modelplane:Upstream:MaxRetries must be from 0 to 10; got 11.")]
    [InlineData("AttemptTimeoutSeconds", "700", "Modelplane:Upstream:TotalTimeoutSeconds (600) must be at least AttemptTimeoutSeconds (700).")]
    public void InvalidUpstreamSettings_FailNamingTheKey(string key, string value, string expected)
    {
        using var harness = UpstreamHarness.Create(($"Modelplane:Upstream:{key}", value));

        var error = Assert.Throws<OptionsValidationException>(() => harness.Services.GetRequiredService<IOptions<UpstreamOptions>>().Value);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
