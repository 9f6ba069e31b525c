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
}
