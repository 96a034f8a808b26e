using Modelplane.Core.Governance.Guardrails;

namespace Modelplane.Core.Tests.Guardrails;

/// <summary>A table of positive and negative examples per PII type (docs/guardrails.md).</summary>
public sealed class PiiDetectorTests
{
    /// <summary>Text with exactly one PII span: the kind and the span's exact text.</summary>
    public static TheoryData<string, string, string> Positives => new()
    {
        // E-mail
        { "write to jane.doe@example.com today", PiiKinds.Email, "jane.doe@example.com" },
        { "cc: j+tag@mail.example.co.uk.", PiiKinds.Email, "j+tag@mail.example.co.uk" },
        { "<ALICE_99@Example.ORG>", PiiKinds.Email, "ALICE_99@Example.ORG" },
        // Phone
        { "call +1 415 555 0132 now", PiiKinds.Phone, "+1 415 555 0132" },
        { "London: +44 20 7946 0958.", PiiKinds.Phone, "+44 20 7946 0958" },
        { "Paris +33 1 23 45 67 89", PiiKinds.Phone, "+33 1 23 45 67 89" },
        { "Berlin +49 (30) 1234567", PiiKinds.Phone, "+49 (30) 1234567" },
        { "E.164 +14155550132", PiiKinds.Phone, "+14155550132" },
        { "office (415) 555-0132", PiiKinds.Phone, "(415) 555-0132" },
        { "office 415-555-0132", PiiKinds.Phone, "415-555-0132" },
        { "office 415.555.0132", PiiKinds.Phone, "415.555.0132" },
        { "toll-free 1-800-555-0199", PiiKinds.Phone, "1-800-555-0199" },
        // Payment cards (Luhn-valid, real issuer prefixes)
        { "card 4111 1111 1111 1111 exp 12/29", PiiKinds.CreditCard, "4111 1111 1111 1111" },
        { "card 4111-1111-1111-1111", PiiKinds.CreditCard, "4111-1111-1111-1111" },
        { "visa 4012888888881881", PiiKinds.CreditCard, "4012888888881881" },
        { "visa13 4222222222222", PiiKinds.CreditCard, "4222222222222" },
        { "mc 5555 5555 5555 4444", PiiKinds.CreditCard, "5555 5555 5555 4444" },
        { "mc 5105105105105100", PiiKinds.CreditCard, "5105105105105100" },
        { "mc2 2223003122003222", PiiKinds.CreditCard, "2223003122003222" },
        { "amex 3782 822463 10005", PiiKinds.CreditCard, "3782 822463 10005" },
        { "amex 378282246310005", PiiKinds.CreditCard, "378282246310005" },
        { "discover 6011111111111117", PiiKinds.CreditCard, "6011111111111117" },
        { "diners 30569309025904", PiiKinds.CreditCard, "30569309025904" },
        { "jcb 3530111333300000", PiiKinds.CreditCard, "3530111333300000" },
        { "unionpay 6200000000000005", PiiKinds.CreditCard, "6200000000000005" },
        // US SSN
        { "ssn 123-45-6789.", PiiKinds.UsSsn, "123-45-6789" },
        { "ssn:078-05-1120", PiiKinds.UsSsn, "078-05-1120" },
        { "ssn 899-99-9999", PiiKinds.UsSsn, "899-99-9999" },
        // IBAN
        { "iban DE89 3704 0044 0532 0130 00 please", PiiKinds.Iban, "DE89 3704 0044 0532 0130 00" },
        { "GB82WEST12345698765432", PiiKinds.Iban, "GB82WEST12345698765432" },
        { "to FR14 2004 1010 0505 0001 3M02 606.", PiiKinds.Iban, "FR14 2004 1010 0505 0001 3M02 606" },
        { "NL91ABNA0417164300", PiiKinds.Iban, "NL91ABNA0417164300" },
        { "NO9386011117947", PiiKinds.Iban, "NO9386011117947" },
        { "CH93 0076 2011 6238 5295 7", PiiKinds.Iban, "CH93 0076 2011 6238 5295 7" },
        // IP addresses
        { "host 192.168.1.1 is up", PiiKinds.IpAddress, "192.168.1.1" },
        { "from 10.0.0.255.", PiiKinds.IpAddress, "10.0.0.255" },
        { "gw 255.255.255.0", PiiKinds.IpAddress, "255.255.255.0" },
        { "v6 2001:db8::8a2e:370:7334 ok", PiiKinds.IpAddress, "2001:db8::8a2e:370:7334" },
        { "link fe80::1ff:fe23:4567:890a", PiiKinds.IpAddress, "fe80::1ff:fe23:4567:890a" },
        { "mapped ::ffff:192.0.2.128", PiiKinds.IpAddress, "::ffff:192.0.2.128" },
        { "full 2001:0db8:85a3:0000:0000:8a2e:0370:7334", PiiKinds.IpAddress, "2001:0db8:85a3:0000:0000:8a2e:0370:7334" },
    };

    /// <summary>Look-alikes that are no PII at all.</summary>
    public static TheoryData<string> Negatives => new()
    {
        // Cards failing Luhn or with no issuer
        "card 4111 1111 1111 1112",
        "card 5555555555554445",
        "order 1234567812345670",
        "order #7391048263517",
        "ref 4111 1111 1111",
        // Look-alike digit strings
        "timestamp 1700000000000",
        "epoch 1700000000",
        "ISBN 978-3-16-148410-0",
        "ISBN 9783161484100",
        "on 2024-01-15 at 10:30:00",
        "on 15/01/2024 or 01.15.2024",
        "price $1,234,567.89 or 4 111 111,11 EUR",
        "version 10.0.1 and v1.2.3.4",
        "build 1.2.3",
        "digits 12345678901234567890123",
        "phone-like 4155550132",
        "short 555-0132",
        "invoice 2024-0001-0042",
        // SSNs in ranges never issued
        "ssn 000-12-3456",
        "ssn 666-12-3456",
        "ssn 900-12-3456",
        "ssn 999-45-6789",
        "ssn 123-00-4567",
        "ssn 123-45-0000",
        // IBANs with a wrong checksum, length or country
        "DE89 3704 0044 0532 0130 01",
        "GB83WEST12345698765432",
        "DE89 3704 0044 0532 0130",
        "XX89370400440532013000",
        // IP look-alikes
        "256.1.1.1",
        "1.1.1.256",
        "192.168.01.1",
        "std::vector<int> a::b",
        "12:30:45",
        "mac 00:1A:2B:3C:4D:5E",
        // E-mail look-alikes
        "@handle and user@localhost and a@b",
        // Phone look-alikes
        "score +5 points, +100",
    };

    [Theory]
    [MemberData(nameof(Positives))]
    public void Find_Positive_ReturnsTheOneSpan(string text, string kind, string span)
    {
        var match = Assert.Single(PiiDetector.Find(text));
        Assert.Equal(kind, match.Kind);
        Assert.Equal(span, text.Substring(match.Start, match.Length));
        Assert.Equal(text.Replace(span, PiiKinds.Placeholder(kind), StringComparison.Ordinal), PiiRedactor.Redact(text));
    }

    [Theory]
    [MemberData(nameof(Negatives))]
    public void Find_LookAlike_FindsNothing(string text)
    {
        Assert.Empty(PiiDetector.Find(text));
        Assert.Equal(text, PiiRedactor.Redact(text));
    }

    [Fact]
    public void Find_SeveralKinds_AreOrderedAndMaskedWithTypedPlaceholders()
    {
        const string text = "Jane (jane@example.com, +44 20 7946 0958) paid with 4111 1111 1111 1111 from 192.168.1.1; SSN 123-45-6789, IBAN GB82WEST12345698765432.";
        var kinds = PiiDetector.Find(text).Select(m => m.Kind);
        Assert.Equal([PiiKinds.Email, PiiKinds.Phone, PiiKinds.CreditCard, PiiKinds.IpAddress, PiiKinds.UsSsn, PiiKinds.Iban], kinds);
        Assert.Equal("Jane ([EMAIL], [PHONE]) paid with [CREDIT_CARD] from [IP_ADDRESS]; SSN [US_SSN], IBAN [IBAN].", PiiRedactor.Redact(text));
    }

    [Fact]
    public void Find_IsNonOverlapping_AndWithinMaxLength()
    {
        const string text = "DE89 3704 0044 0532 0130 00 4111111111111111 a@b.io +1 415 555 0132";
        var matches = PiiDetector.Find(text);
        Assert.Equal(4, matches.Count);
        Assert.All(matches.Zip(matches.Skip(1)), p => Assert.True(p.First.End <= p.Second.Start));
        Assert.All(matches, m => Assert.True(m.Length <= PiiDetector.MaxMatchLength));
    }

    [Fact]
    public void Email_LongerThanTheCap_IsNotDetected()
    {
        var local = new string('a', 64);
        var host = string.Join('.', Enumerable.Repeat(new string('b', 30), 3)) + ".com";
        Assert.Empty(PiiDetector.Find($"{local}@{host}"));
        Assert.Single(PiiDetector.Find($"{local}@example.com"));
    }

    [Fact]
    public void Luhn_And_Issuer_AreCheckedSeparately()
    {
        Assert.True(PiiValidators.Luhn("1234567812345670"));
        Assert.False(PiiValidators.PlausibleIssuer("1234567812345670"));
        Assert.False(PiiValidators.Luhn("4111111111111112"));
        Assert.True(PiiValidators.PlausibleIssuer("4111111111111112"));
    }
}
