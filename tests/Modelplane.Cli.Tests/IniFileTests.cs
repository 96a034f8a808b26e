using Modelplane.Cli.Configuration;

namespace Modelplane.Cli.Tests;

public class IniFileTests
{
    [Fact]
    public void Lines_before_any_section_belong_to_DEFAULT_and_later_keys_win()
    {
        var ini = IniFile.Parse("host = a\n[DEFAULT]\nhost = b\r\n[x]\nkey=\n");

        Assert.Equal("b", ini.Get("DEFAULT", "host"));
        Assert.True(ini.HasSection("x"));
        Assert.Null(ini.Get("x", "key"));
    }

    [Fact]
    public void Section_names_are_case_sensitive()
    {
        var ini = IniFile.Parse("[Prod]\nhost = h\n");

        Assert.True(ini.HasSection("Prod"));
        Assert.False(ini.HasSection("prod"));
    }

    [Fact]
    public void Values_keep_equals_signs_after_the_first()
    {
        Assert.Equal("a=b", IniFile.Parse("[p]\ntoken = a=b\n").Get("p", "TOKEN"));
    }
}
