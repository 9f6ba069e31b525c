using System.Text;
using Switchyard.Core.Translation.Passthrough;

namespace Switchyard.Core.Tests.Translation.Passthrough;

public class TopLevelMemberTests
{
    private static (bool Ok, string Value) Find(string json, string name = "usage")
    {
        var ok = TopLevelMember.TryFind(Encoding.UTF8.GetBytes(json), Encoding.UTF8.GetBytes(name), out var value);
        return (ok, Encoding.UTF8.GetString(value));
    }

    [Theory]
    [InlineData("""{"a":1,"usage":{"x":1}}""", """{"x":1}""")]
    [InlineData("""{"content":[{"type":"tool_use","input":{"usage":{"fake":1}}}],"usage":{"real":2}}""", """{"real":2}""")]
    [InlineData("""{"text":"he said \"usage\":{\"no\":1} \\","usage":{"yes":3}}""", """{"yes":3}""")]
    [InlineData("""{"choices":[{"message":{"content":"{\"usage\":1}"}}],"usage":null}""", "null")]
    [InlineData(" \n{ \"usage\" : {\"a\":[1,{\"b\":\"}\"}]} , \"z\":true}", """{"a":[1,{"b":"}"}]}""")]
    [InlineData("""{"usage":"text with } and ]"}""", "\"text with } and ]\"")]
    public void TryFind_TopLevelMember_IsFoundPastNestedKeysAndStrings(string json, string expected)
        => Assert.Equal((true, expected), Find(json));

    [Fact]
    public void TryFind_MemberAbsent_TrueWithEmptyValue()
        => Assert.Equal((true, ""), Find("""{"a":{"usage":1},"b":[{"usage":2}]}"""));

    [Theory]
    [InlineData("""[{"usage":{"a":1}}]""")]
    [InlineData("""{"a":"unterminated""")]
    [InlineData("""{"a":1,"usage":{"x":1""")]
    [InlineData("")]
    public void TryFind_NotAWholeObject_FalseSoTheCallerFallsBack(string json)
        => Assert.False(Find(json).Ok);

    private static (bool Ok, string Value) FindFromEnd(string json, string name = "usage")
    {
        var ok = TopLevelMember.TryFindFromEnd(Encoding.UTF8.GetBytes(json), Encoding.UTF8.GetBytes(name), out var value);
        return (ok, Encoding.UTF8.GetString(value));
    }

    [Theory]
    [InlineData("""{"a":1,"usage":{"x":1}}""", """{"x":1}""")]
    [InlineData("""{"id":"c","usage":{"prompt_tokens":3},"service_tier":"default","system_fingerprint":"fp_1"}""", """{"prompt_tokens":3}""")]
    [InlineData("""{"text":"he said \"usage\":{\"no\":1}","usage":{"yes":3},"tail":{"usage":{"nested":1}}}""", """{"yes":3}""")]
    [InlineData("""{"choices":[{"message":{"content":"{\"usage\":1}"}}],"usage":null}""", "null")]
    [InlineData(" \n{ \"usage\" : {\"a\":[1,{\"b\":\"}\"}]} , \"z\":true} \n", """{"a":[1,{"b":"}"}]}""")]
    [InlineData("""{"content":"a usage word, a \"usage","usage":{"n":4}}""", """{"n":4}""")]
    public void TryFindFromEnd_RootMember_IsFoundWhereverItsValueEnds(string json, string expected)
        => Assert.Equal((true, expected), FindFromEnd(json));

    [Theory]
    [InlineData("""{"a":{"b":1},"c":"no such member here"}""")]
    [InlineData("""{"content":"the usage of \"usage\" in text","x":1}""")]
    public void TryFindFromEnd_NameNeverAKey_AbsentWithoutAFullScan(string json)
        => Assert.Equal((true, ""), FindFromEnd(json));

    [Theory]
    [InlineData("""{"a":{"usage":1},"b":[{"usage":2}]}""")] // only nested keys: cannot tell from the end
    [InlineData("""[{"usage":{"a":1}}]""")] // an array root
    [InlineData("""{"a":1,"usage":{"x":1}""")] // truncated
    [InlineData("""{"a":1,"usage":{"x":1}}}""")] // an extra brace
    public void TryFindFromEnd_NestedOrMalformed_FalseSoTheCallerScansFromTheStart(string json)
        => Assert.False(FindFromEnd(json).Ok);

    /// <summary>On every recorded JSON answer in ../shared/fixtures, the search from the end agrees with the full scan.</summary>
    [Fact]
    public void TryFindFromEnd_AgreesWithTheFullScan_OnEveryRecordedAnswer()
    {
        var files = Directory.EnumerateFiles(Path.Combine(Configuration.ConfigTestSupport.SharedDirectory(), "fixtures", "raw"), "*.json", SearchOption.AllDirectories).ToList();
        Assert.True(files.Count > 20, $"expected the recorded answers, found {files.Count} files");
        var found = 0;
        foreach (var file in files)
        {
            var json = File.ReadAllBytes(file);
            foreach (var name in new[] { "usage"u8.ToArray(), "usageMetadata"u8.ToArray() })
            {
                if (!TopLevelMember.TryFindFromEnd(json, name, out var fromEnd))
                {
                    continue;
                }

                // An array root (Gemini) has no root-object member: the full scan declines it, and "absent" agrees.
                var fullOk = TopLevelMember.TryFind(json, name, out var full);
                Assert.True(fullOk || fromEnd.IsEmpty, file);
                Assert.True(fromEnd.SequenceEqual(full), $"{file}: from the end '{Encoding.UTF8.GetString(fromEnd)}', full scan '{Encoding.UTF8.GetString(full)}'");
                found += fromEnd.IsEmpty ? 0 : 1;
            }
        }

        Assert.True(found > 10, $"expected usage in many recorded answers, found {found}");
    }
}
