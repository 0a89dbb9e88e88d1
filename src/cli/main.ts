export async function main(argv: string[]): Promise<number> {
  console.log('iamspec', argv.join(' '));
  return 0;
}
